#!/usr/bin/env node
import { buildProgram } from './program.ts';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const { exitCodeFor, printFailure } = await import('./failure.ts');
  printFailure(error);
  process.exitCode = exitCodeFor(error);
}

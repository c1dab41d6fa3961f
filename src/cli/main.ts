#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, printFailure } from './failure.ts';
import { buildProgram } from './program.ts';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed the help, the version or the usage error itself.
    process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  } else {
    printFailure(error);
    process.exitCode = exitCodeFor(error);
  }
}

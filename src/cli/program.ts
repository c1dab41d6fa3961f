import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.ts';
import { registerSimCommand } from './commands/sim.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dnfarm')
    .description('Delta-neutral funding-rate farmer for the Aster DEX (long spot, short perpetual).')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommand(program);
  registerSimCommand(program);
  return program;
}

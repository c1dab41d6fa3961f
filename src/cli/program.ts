import { Command } from 'commander';
import { registerBacktestCommand } from './commands/backtest.ts';
import { registerConfigCommand } from './commands/config.ts';
import { registerExitCommand } from './commands/exit.ts';
import { registerImportSeedStateCommand } from './commands/import-seed-state.ts';
import { registerIntervalsCommand } from './commands/intervals.ts';
import { registerRatesCommand } from './commands/rates.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerSimCommand } from './commands/sim.ts';
import { registerSpreadsCommand } from './commands/spreads.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerStopLossCommand } from './commands/stoploss.ts';

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
  registerRunCommand(program);
  registerExitCommand(program);
  registerImportSeedStateCommand(program);
  registerRatesCommand(program);
  registerSpreadsCommand(program);
  registerIntervalsCommand(program);
  registerStatusCommand(program);
  registerStopLossCommand(program);
  registerBacktestCommand(program);
  return program;
}

/** `dnfarm stoploss`: liquidation distance, stop level and safety buffer per leverage. Offline: no exchange call. */
import type { Command } from 'commander';
import { type Decimal, tryDec } from '../../domain/decimal.ts';
import { ConfigError } from '../../errors.ts';
import { buildStopLossReport, leveragesToShow, stopLossReportJson } from '../../ui/stoploss/model.ts';
import { renderStopLossReport } from '../../ui/stoploss/render.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommonOptions,
  integerOption,
  processIo,
  runCommand,
  writeJson,
} from '../venue-context.ts';

interface StopLossOptions extends CommonOptions {
  readonly leverage?: readonly string[];
  readonly entryPrice?: string;
}

/** Aster's highest leverage on any symbol; beyond it a row would describe nothing that can exist. */
const MAX_LEVERAGE = 125;

const EXAMPLES = `
Examples:
  $ dnfarm stoploss                          # 1x, 2x, 3x and the configured leverage
  $ dnfarm stoploss --leverage 5 --leverage 10
  $ dnfarm stoploss --entry-price 1.9473     # also the stop and liquidation prices for this entry
  $ dnfarm stoploss --json

With the defaults (maintenance margin 0.5%, multiplier 0.7) the stop-loss is -70% / -35% / -23% of the entry
notional at 1x / 2x / 3x. Change it with risk.stop_loss_maintenance_margin and risk.stop_loss_safety_multiplier.
`;

function parseEntryPrice(text: string | undefined): Decimal | null {
  if (text === undefined) return null;
  const price = tryDec(text);
  if (price === undefined || !price.isPositive() || price.isZero()) {
    throw new ConfigError('--entry-price', `must be a positive decimal, got "${text}"`, { value: text });
  }
  return price;
}

export async function runStopLoss(options: StopLossOptions, io: CommandIo = processIo): Promise<void> {
  await runCommand('stoploss', options, io, async (setup) => {
    const extra = (options.leverage ?? []).map((text) => integerOption('--leverage', text, 1, MAX_LEVERAGE));
    const entryPrice = parseEntryPrice(options.entryPrice);
    const report = buildStopLossReport(
      setup.params,
      setup.params.leverage,
      leveragesToShow(setup.params.leverage, extra),
      entryPrice,
    );
    if (setup.json) writeJson(io, stopLossReportJson(report));
    else io.stdout.write(renderStopLossReport(report, setup.palette));
  });
}

export function registerStopLossCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('stoploss')
    .description('safe stop-loss per leverage: liquidation distance, stop level and buffer (offline)')
    .option('--leverage <n...>', `also show these leverages (1-${MAX_LEVERAGE})`)
    .option('--entry-price <price>', 'show the stop and liquidation prices of a short entered at this price');
  addCommonOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (options: StopLossOptions) => {
    await runStopLoss(options, io);
  });
}

/**
 * `dnfarm rates`: the funding opportunity table of one scan, the way the bot sees it: interval, current rate and
 * APR (and the hybrid MA), spot / perp / combined volume, spread, the outcome of every filter, and the best pair.
 */
import type { Command } from 'commander';
import { historyRequest, scanPairs } from '../../strategy/scan.ts';
import { buildRatesReport, ratesReportJson } from '../../ui/rates/model.ts';
import { renderRatesReport } from '../../ui/rates/render.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommonOptions,
  fetchFundingHistories,
  integerOption,
  processIo,
  runCommand,
  withVenue,
  writeJson,
} from '../venue-context.ts';

interface RatesOptions extends CommonOptions {
  readonly ma?: boolean;
  readonly maPeriods?: string;
}

const EXAMPLES = `
Examples:
  $ dnfarm rates                                  # sim mode: the embedded simulator's markets
  $ dnfarm rates --mode paper                     # live Aster market data (no keys needed)
  $ dnfarm rates --ma --ma-periods 10             # rank by the hybrid MA (9 settled rates + the current one)
  $ dnfarm rates --futures-url http://127.0.0.1:8080 --spot-url http://127.0.0.1:8080 --json

A pair is opened only if it passes every filter: funding rate >= 0, spot + perp 24h volume >=
filters.min_volume_usdt, |spot-perp mid spread| <= filters.max_spread_pct, APR >= funding_rate_strategy.min_funding_apr
(MA mode: enough settled history). APR = rate x (24 / interval hours) x 365 x 100. APR colours: >= 20% green,
>= 10% yellow. The best opportunity is the highest APR among pairs passing every filter.
`;

export async function runRates(options: RatesOptions, io: CommandIo = processIo): Promise<void> {
  await runCommand('rates', options, io, async (setup) => {
    const periods =
      options.maPeriods === undefined
        ? setup.params.fundingMaPeriods
        : integerOption('--ma-periods', options.maPeriods, 2, 1000);
    const params = {
      ...setup.params,
      useFundingMa: setup.params.useFundingMa || options.ma === true || options.maPeriods !== undefined,
      fundingMaPeriods: periods,
    };
    const report = await withVenue(setup, 'public', async ({ venue }) => {
      let snapshot = await venue.scanSnapshot();
      const wanted = historyRequest(snapshot, params);
      if (wanted.symbols.length > 0) {
        const fundingHistory = await fetchFundingHistories(venue, wanted.symbols, wanted.limit);
        snapshot = { ...snapshot, fundingHistory };
      }
      return buildRatesReport(scanPairs(snapshot, params), snapshot, params);
    });
    setup.logger.info(
      { pairs: report.rows.length, eligible: report.eligibleCount, best: report.best?.symbol ?? null },
      'rates scanned',
    );
    if (setup.json) writeJson(io, ratesReportJson(report));
    else io.stdout.write(renderRatesReport(report, setup.palette));
  });
}

export function registerRatesCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('rates')
    .description('funding rates, intervals, MA and current APR, volumes, spreads and filter outcome per pair')
    .option('--ma', 'rank by the hybrid moving average even if funding_rate_strategy.use_funding_ma is false')
    .option('--ma-periods <n>', 'rates in the moving average (implies --ma; default funding_ma_periods)');
  addCommonOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (options: RatesOptions) => {
    await runRates(options, io);
  });
}

/** `dnfarm intervals`: the funding interval of every pair (fundingInfo, history as fallback), grouped. */
import type { Command } from 'commander';
import { buildIntervalsReport, intervalsReportJson, symbolsNeedingHistory } from '../../ui/intervals/model.ts';
import { renderIntervalsReport } from '../../ui/intervals/render.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommonOptions,
  fetchFundingHistories,
  processIo,
  runCommand,
  withVenue,
  writeJson,
} from '../venue-context.ts';

interface IntervalsOptions extends CommonOptions {
  readonly checkHistory?: boolean;
}

/** Enough settlements for a clear mode of the gaps even with a few missing or duplicated rows. */
const HISTORY_ROWS = 20;

const EXAMPLES = `
Examples:
  $ dnfarm intervals                   # sim mode: the embedded simulator's symbols
  $ dnfarm intervals --mode paper      # live Aster (no keys needed)
  $ dnfarm intervals --check-history   # also read every pair's settled history and flag disagreements

The interval comes from fundingInfo (one request for all symbols). A symbol fundingInfo does not list falls back to
the most common gap between its last ${HISTORY_ROWS} settlements; when neither tells, the bot assumes
funding_rate_strategy.default_funding_interval_hours. Aster settles 8h symbols at 00/08/16 UTC; 4h and 1h symbols
pay more often, so their APR is higher at the same rate.
`;

export async function runIntervals(options: IntervalsOptions, io: CommandIo = processIo): Promise<void> {
  await runCommand('intervals', options, io, async (setup) => {
    const crossCheck = options.checkHistory === true;
    const report = await withVenue(setup, 'public', async ({ venue }) => {
      const snapshot = await venue.scanSnapshot();
      const symbols = symbolsNeedingHistory(snapshot, setup.params.excludeSymbols, crossCheck);
      const histories = await fetchFundingHistories(venue, symbols, HISTORY_ROWS);
      return buildIntervalsReport(snapshot, histories, {
        defaultHours: setup.params.defaultFundingIntervalHours,
        excludeSymbols: setup.params.excludeSymbols,
        crossCheck,
      });
    });
    setup.logger.info({ groups: report.groups, bySource: report.bySource }, 'intervals read');
    if (setup.json) writeJson(io, intervalsReportJson(report));
    else io.stdout.write(renderIntervalsReport(report, setup.palette));
  });
}

export function registerIntervalsCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('intervals')
    .description('funding interval per pair and where it comes from (fundingInfo, history fallback), grouped')
    .option('--check-history', 'read every pair’s settled history and compare it with fundingInfo');
  addCommonOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (options: IntervalsOptions) => {
    await runIntervals(options, io);
  });
}

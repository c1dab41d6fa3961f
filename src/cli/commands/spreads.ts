/** `dnfarm spreads`: spot and perp mid prices of every pair and how far apart they are, from one snapshot. */
import type { Command } from 'commander';
import { buildSpreadsReport, spreadsReportJson } from '../../ui/spreads/model.ts';
import { renderSpreadsReport } from '../../ui/spreads/render.ts';
import {
  addCommonOptions,
  type CommandIo,
  type CommonOptions,
  processIo,
  runCommand,
  withVenue,
  writeJson,
} from '../venue-context.ts';

const EXAMPLES = `
Examples:
  $ dnfarm spreads                     # sim mode: the embedded simulator's books
  $ dnfarm spreads --mode paper        # live Aster books (no keys needed)
  $ dnfarm spreads --json | jq '.pairs[0]'

Spread = perp mid - spot mid, in $ and in % of the spot mid; pairs are sorted by |spread %|, largest first.
Colours: |spread| >= 0.1% red, >= 0.05% yellow, otherwise green. The bot itself excludes pairs whose |spread|
exceeds filters.max_spread_pct (default 0.15%) and pairs without a usable book on either market.
`;

export async function runSpreads(options: CommonOptions, io: CommandIo = processIo): Promise<void> {
  await runCommand('spreads', options, io, async (setup) => {
    const report = await withVenue(setup, 'public', async ({ venue }) =>
      buildSpreadsReport(await venue.scanSnapshot(), setup.params),
    );
    setup.logger.info(
      { pairs: report.rows.length, missing: report.missing.length, aboveFilter: report.summary.aboveFilter },
      'spreads measured',
    );
    if (setup.json) writeJson(io, spreadsReportJson(report));
    else io.stdout.write(renderSpreadsReport(report, setup.palette));
  });
}

export function registerSpreadsCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('spreads')
    .description('spot and perp mid prices, absolute and % spread per pair (largest first), with a summary');
  addCommonOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (options: CommonOptions) => {
    await runSpreads(options, io);
  });
}

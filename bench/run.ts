/**
 * `npm run bench`: measures every performance figure of DESIGN.md §7 against the simulator over loopback with the
 * bot's real client, prints a table (figure, value, target, pass/fail) and writes `bench/results.json`.
 *
 *   npm run bench                      every figure
 *   npm run bench -- --only scan,store only some groups (names below)
 *   npm run bench -- --strict          exit 1 when a target is missed, too
 *
 * Progress goes to stderr. The exit code is 1 when a figure could not be measured (and, with --strict, when a
 * target was missed); a missed target is otherwise a result to read in the table, not a failure to run.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../src/errors.ts';
import { paletteFor } from '../src/ui/color.ts';
import { measureBacktest } from './figures/backtest.ts';
import { measureEngineCycle } from './figures/engine-cycle.ts';
import { measureRss } from './figures/rss.ts';
import { measureScanRequests, measureScanWallTime } from './figures/scan.ts';
import { measureStoreThroughput } from './figures/store.ts';
import { measureSimThroughput } from './figures/throughput.ts';
import { type FigureResult, notMeasured } from './lib/figure.ts';
import { progress } from './lib/progress.ts';
import { renderTable, writeResults } from './lib/report.ts';

interface Group {
  name: string;
  /** Shown if the whole group fails before producing its own figures. */
  placeholder: { figure: string; unit: string; target: string };
  measure: () => Promise<FigureResult[]>;
}

const GROUPS: readonly Group[] = [
  {
    name: 'scan',
    placeholder: { figure: 'scan requests', unit: 'requests', target: '≤ 8' },
    measure: measureScanRequests,
  },
  {
    name: 'scan-time',
    placeholder: { figure: 'scan wall time, N=100, 50 ms latency', unit: 'ms', target: '≤ 170' },
    measure: measureScanWallTime,
  },
  {
    name: 'engine',
    placeholder: { figure: 'two-leg skew, open latency, stop-loss reaction', unit: 'ms', target: 'see DESIGN.md §7' },
    measure: measureEngineCycle,
  },
  {
    name: 'throughput',
    placeholder: { figure: 'simulator throughput, signed requests', unit: 'req/s', target: '≥ 2000' },
    measure: measureSimThroughput,
  },
  {
    name: 'store',
    placeholder: { figure: 'store transactions per second', unit: 'tx/s', target: 'report' },
    measure: measureStoreThroughput,
  },
  {
    name: 'rss',
    placeholder: { figure: 'RSS over a 30-simulated-day run', unit: 'MiB', target: '≤ 150' },
    measure: measureRss,
  },
  {
    name: 'backtest',
    placeholder: { figure: 'backtest symbol-intervals per second', unit: 'per s', target: '≥ 1000000' },
    measure: measureBacktest,
  },
];

function selectedGroups(argv: readonly string[]): readonly Group[] {
  const at = argv.indexOf('--only');
  if (at < 0) return GROUPS;
  const names = (argv[at + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !GROUPS.some((g) => g.name === n));
  if (names.length === 0 || unknown.length > 0) {
    process.stderr.write(`--only takes a comma-separated list of: ${GROUPS.map((g) => g.name).join(', ')}\n`);
    process.exit(2);
  }
  return GROUPS.filter((g) => names.includes(g.name));
}

async function main(): Promise<number> {
  const groups = selectedGroups(process.argv.slice(2));
  const results: FigureResult[] = [];
  const started = performance.now();
  for (const group of groups) {
    progress(`— ${group.name} —`);
    try {
      results.push(...(await group.measure()));
    } catch (error) {
      const { figure, unit, target } = group.placeholder;
      progress(`${group.name} failed: ${describeError(error)}`);
      results.push(notMeasured(figure, unit, target, describeError(error)));
    }
  }
  const path = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
  writeResults(path, results);
  process.stdout.write(`${renderTable(results, paletteFor(process.stdout, process.env))}\n`);
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const unmeasured = results.filter((r) => r.value === null).length;
  const missed = results.filter((r) => r.value !== null && !r.pass).length;
  process.stdout.write(
    `${results.length} figures: ${missed} targets missed, ${unmeasured} not measured; ${minutes} min; wrote ${path}\n`,
  );
  const strict = process.argv.includes('--strict');
  return unmeasured > 0 || (strict && missed > 0) ? 1 : 0;
}

process.exitCode = await main();

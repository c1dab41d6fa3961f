/**
 * `dnfarm backtest`: the strategy over historical funding data, on the simulator's account engine. Offline: the data
 * comes from CSV files, nothing talks to an exchange.
 */
import type { Command } from 'commander';
import { loadBacktestData } from '../../backtest/files.ts';
import { DEFAULT_FEES } from '../../backtest/market.ts';
import { runBacktest } from '../../backtest/run.ts';
import { type Decimal, tryDec } from '../../domain/decimal.ts';
import { ConfigError } from '../../errors.ts';
import { backtestReportJson } from '../../ui/backtest/model.ts';
import { renderBacktestReport } from '../../ui/backtest/render.ts';
import { addLogLevelOption } from '../log.ts';
import { type CommandIo, type CommonOptions, processIo, runCommand, writeJson } from '../venue-context.ts';

interface BacktestOptions extends CommonOptions {
  readonly data?: readonly string[];
  readonly symbols?: string;
  readonly from?: string;
  readonly to?: string;
  readonly capital?: string;
  readonly spotTakerFee?: string;
  readonly perpTakerFee?: string;
  readonly allCycles?: boolean;
}

/** Cycles the human table shows unless --all-cycles. */
const DEFAULT_TABLE_CYCLES = 50;
const DAY_MS = 86_400_000;

const HELP = `
Data: funding-rate CSV files, one or more (a directory means every .csv in it). The layout is recognised by the
header line; a layout without a symbol column takes the symbol from the file name (the first XXXUSDT-like word):
  fundingTime,fundingRate                                   Aster funding history (ms, rate per interval)
  datetime,timestamp,open,high,low,close,funding_rate       funding joined to the 1h perp kline (ApolloX/Aster,
                                                            Binance); the kline's open is the price
  symbol,fundingTime,fundingRate,markPrice                  many symbols in one file
  symbol,funding_date,funding_time,fundingRate,markPrice    UTC date and time in two columns
  Symbol,Date,Funding Rate                                  Date in UTC+3, symbols written BTC-USDT
Each symbol becomes a spot/perp pair at the price of its latest settlement (spot and perp alike: the data has no
spot market); a file without prices is replayed at a constant price. Funding settles at each recorded settlement;
a missing row is a missing settlement. The bot's loop runs every position_management.loop_interval_seconds with the
strategy settings of the config (--config), exactly as \`dnfarm run\` decides, on a simulated account.

Examples:
  $ dnfarm backtest --data test/fixtures/realdata/history/aster-apollox/
  $ dnfarm backtest --data test/fixtures/realdata/history/aster-apollox/ --symbols BTCUSDT,ETHUSDT \\
      --from 2023-01-01 --to 2023-12-31 --capital 25000
  $ dnfarm backtest --data test/fixtures/realdata/history/aster-apollox/apollox_BTCUSDT_funding_8h_ohlc.csv --json
  $ dnfarm backtest --config config_volume_farming_strategy.json --data funding/ --all-cycles

--from and --to take a UTC date (2023-01-01) or time (2023-01-01T08:00Z); a date given to --to includes that day.
The capital starts in the spot wallet; the default is simulator.initial_usdt from the config.
`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z)?$/;

/** A UTC date or time; a bare date given as the end of a period means the end of that day. */
export function parseDateOption(flag: string, text: string | undefined, endOfDay: boolean): number | undefined {
  if (text === undefined) return undefined;
  const m = DATE.exec(text.trim());
  const fail = () =>
    new ConfigError(flag, `must be a UTC date like 2024-01-31 or a time like 2024-01-31T08:00Z, got "${text}"`, {
      value: text,
    });
  if (m === null) throw fail();
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h ?? 0) > 23 ||
    Number(mi ?? 0) > 59 ||
    Number(s ?? 0) > 59
  ) {
    throw fail();
  }
  return endOfDay && h === undefined ? ms + DAY_MS : ms;
}

function positiveDecimal(flag: string, text: string): Decimal {
  const value = tryDec(text.trim());
  if (value === undefined || !value.isPositive() || value.isZero()) {
    throw new ConfigError(flag, `must be a positive number, got "${text}"`, { value: text });
  }
  return value;
}

function feeRate(flag: string, text: string | undefined, fallback: Decimal): Decimal {
  if (text === undefined) return fallback;
  const value = tryDec(text.trim());
  if (value === undefined || value.isNegative() || value.greaterThanOrEqualTo('0.1')) {
    throw new ConfigError(flag, `must be a fee rate from 0 to 0.1 (0.0004 = 0.04 %), got "${text}"`, { value: text });
  }
  return value;
}

/** A one-line progress display on a terminal: redrawn at most a few times a second, erased at the end. */
function progressLine(io: CommandIo): { update: (fraction: number) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (fraction) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      io.stderr.write(`\rbacktest: ${(fraction * 100).toFixed(0).padStart(3)}% `);
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[2K');
    },
  };
}

export async function runBacktestCommand(options: BacktestOptions, io: CommandIo = processIo): Promise<void> {
  await runCommand('backtest', options, io, async (setup) => {
    const fromMs = parseDateOption('--from', options.from, false);
    const toMs = parseDateOption('--to', options.to, true);
    const capital =
      options.capital === undefined
        ? positiveDecimal('simulator.initial_usdt', String(setup.config.simulator.initial_usdt))
        : positiveDecimal('--capital', options.capital);
    const spotTaker = feeRate('--spot-taker-fee', options.spotTakerFee, DEFAULT_FEES.spotTaker);
    const perpTaker = feeRate('--perp-taker-fee', options.perpTakerFee, DEFAULT_FEES.perpTaker);
    const symbols = options.symbols?.split(',').filter((s) => s.trim() !== '');
    const data = loadBacktestData(options.data ?? [], { cwd: io.cwd(), symbols });
    const interactive = !setup.json && io.stderr.isTTY === true;
    const progress = interactive ? progressLine(io) : null;
    setup.logger.info(
      { files: data.files.length, symbols: data.series.map((s) => s.symbol), fromMs, toMs },
      'backtest started',
    );
    let report: ReturnType<typeof runBacktest>;
    try {
      report = runBacktest(data.series, {
        params: setup.params,
        capitalUsdt: capital,
        loopIntervalSeconds: setup.config.position_management.loop_interval_seconds,
        fundingGuardSeconds: setup.config.execution.funding_settlement_guard_seconds,
        marginType: setup.config.execution.margin_type,
        fees: { ...DEFAULT_FEES, spotTaker, perpTaker },
        fromMs,
        toMs,
        ...(progress === null ? {} : { onProgress: progress.update }),
      });
    } finally {
      progress?.done();
    }
    setup.logger.info(
      {
        symbolIntervals: report.symbolIntervals,
        opens: report.opens,
        closes: report.closes,
        netPnlUsdt: report.netPnlUsdt.toFixed(),
      },
      'backtest done',
    );
    const context = { files: data.files.map((f) => f), spotTakerFee: spotTaker, perpTakerFee: perpTaker };
    if (setup.json) writeJson(io, backtestReportJson(report, context));
    else {
      io.stdout.write(
        renderBacktestReport(report, context, setup.palette, {
          maxCycles: options.allCycles === true ? null : DEFAULT_TABLE_CYCLES,
        }),
      );
    }
  });
}

export function registerBacktestCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program
    .command('backtest')
    .description('run the strategy over historical funding data on a simulated account (offline)')
    .requiredOption('--data <path...>', 'funding CSV files or directories of them')
    .option('--symbols <list>', 'only these symbols, comma-separated (e.g. BTCUSDT,ETHUSDT)')
    .option('--from <date>', 'start of the period (UTC date or time; default: the start of the data)')
    .option('--to <date>', 'end of the period (a date includes that day; default: the end of the data)')
    .option('--capital <usdt>', 'starting USDT (default: simulator.initial_usdt from the config)')
    .option('--spot-taker-fee <rate>', `spot taker commission (default ${DEFAULT_FEES.spotTaker.toFixed()})`)
    .option('--perp-taker-fee <rate>', `perp taker commission (default ${DEFAULT_FEES.perpTaker.toFixed()})`)
    .option('--all-cycles', `list every cycle (default: the last ${DEFAULT_TABLE_CYCLES})`)
    .option(
      '--config <file>',
      'config file with the strategy settings (default: ./dnfarm.config.json, else ./config_volume_farming_strategy.json, else built-in defaults)',
    )
    .option('--json', 'print exactly one JSON document on stdout (logs go to the log file)');
  addLogLevelOption(command);
  return command.addHelpText('after', HELP).action(async (options: BacktestOptions) => {
    await runBacktestCommand(options, io);
  });
}

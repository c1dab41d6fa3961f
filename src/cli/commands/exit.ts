/**
 * `dnfarm exit [--yes]`: the emergency exit. Shows the position with LIVE figures from the exchange
 * (quantities, mark, unrealised PnL; never the store's possibly stale view alone), asks for
 * confirmation (`--yes` skips it), and closes both legs.
 *
 * Two ways, never both at once:
 * - a bot holds the data dir's lock: the close is REQUESTED through the store; the running bot
 *   acknowledges it, closes through its own executor, reports the result and stops. Two processes
 *   never trade the same position (the original `emergency_exit.py` sold behind the running bot's back,
 *   which then reopened);
 * - no bot runs: this process takes the lock, reconciles with the exchange (adopting a position it
 *   finds, resolving anything left half-done) and closes through the executor, so a leg that fails is
 *   retried or unwound instead of being left naked.
 *
 * Only the position's own spot is sold, never the user's other holdings of the asset.
 * Exit codes: 0 closed (or nothing to close), 1 the close failed or was not confirmed, 2 bad usage.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Decimal } from '../../domain/decimal.ts';
import { ZERO } from '../../domain/decimal.ts';
import { bindStore } from '../../engine/binding.ts';
import { type EngineEventSink, fanOut } from '../../engine/events.ts';
import { createExecutor, type Executor, type ReconcileReport } from '../../engine/execution/index.ts';
import { emitCloseSkipped } from '../../engine/outcomes.ts';
import { engineSettingsFromConfig } from '../../engine/runtime.ts';
import { ConfigError, DnfarmError } from '../../errors.ts';
import {
  DEFAULT_EXIT_REQUEST_TTL_MS,
  type ExitRequest,
  inspectLock,
  openExitChannel,
  openStore,
  type Position,
  type Store,
} from '../../store/index.ts';
import { shortPerpPnlUsdt, spotPnlUsdt } from '../../strategy/pnl.ts';
import { midPrice } from '../../strategy/prices.ts';
import type { Venue } from '../../venue/port.ts';
import {
  accountReadable,
  addCommonOptions,
  type CommandIo,
  type CommandSetup,
  type CommonOptions,
  openVenue,
  processIo,
  runCommand,
  writeJson,
} from '../venue-context.ts';
import { bindingFor, consoleSink, DeferredClock, logSink, openWriterStore } from './run.ts';

export interface ExitOptions extends CommonOptions {
  readonly yes?: boolean | undefined;
  /** Seconds to wait for a running bot to finish the close. */
  readonly timeout?: string | undefined;
}

export interface ExitIo extends CommandIo {
  /** Asks a question on the terminal; resolves with the answer, or null at end of input. */
  readonly ask: (question: string) => Promise<string | null>;
}

export const processExitIo: ExitIo = {
  ...processIo,
  ask: (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
      let answered = false;
      rl.question(question, (answer) => {
        answered = true;
        rl.close();
        resolve(answer);
      });
      rl.on('close', () => {
        if (!answered) resolve(null);
      });
    }),
};

/** The exit was not carried out (not confirmed, or the close did not complete). */
export class ExitNotDoneError extends DnfarmError {
  override name = 'ExitNotDoneError';
}

/** What the operator is shown before confirming, from the exchange's current figures. */
export interface LiveView {
  positionId: number;
  symbol: string;
  spotSymbol: string;
  leverage: number;
  openedAtMs: number | null;
  /** Short on the exchange now (positive). */
  perpQty: Decimal;
  /** The position's own spot that would be sold: min(free balance, the position's quantity). */
  spotQty: Decimal;
  entryPrice: Decimal | null;
  markPrice: Decimal | null;
  perpPnlUsdt: Decimal | null;
  spotPnlUsdt: Decimal | null;
  fundingUsdt: Decimal;
  entryFeesUsdt: Decimal;
  combinedPnlUsdt: Decimal | null;
}

export async function liveView(venue: Venue, store: Store, position: Position): Promise<LiveView> {
  const [rows, balances, snapshot] = await Promise.all([
    venue.perpPositions(position.symbol),
    venue.spotBalances(),
    venue.scanSnapshot(),
  ]);
  const row = rows.find((r) => r.symbol === position.symbol);
  const perpQty = row?.positionAmt.isNegative() ? row.positionAmt.abs() : ZERO;
  const free = balances.find((b) => b.asset === position.baseAsset)?.free ?? ZERO;
  const spotQty = free.lessThan(position.spotQtyNet) ? free : position.spotQtyNet;
  const mark = row?.markPrice ?? snapshot.premiumIndex.get(position.symbol)?.markPrice ?? null;
  const entry = row !== undefined && !row.entryPrice.isZero() ? row.entryPrice : position.perpAvgPrice;
  const spotMid = midPrice(snapshot.spotBooks.get(position.spotSymbol));
  const perpPnl =
    row !== undefined
      ? row.unrealizedProfit
      : mark !== null && entry !== null
        ? shortPerpPnlUsdt(perpQty, entry, mark)
        : null;
  const spotPnl =
    spotMid !== null && position.spotAvgPrice !== null ? spotPnlUsdt(spotQty, position.spotAvgPrice, spotMid) : null;
  const detail = store.positionDetail(position.id);
  const funding = detail.fundingPayments.length > 0 ? detail.fundingPaymentsTotalUsdt : position.fundingReceivedUsdt;
  const combined =
    perpPnl !== null && spotPnl !== null ? perpPnl.plus(spotPnl).plus(funding).minus(position.entryFeesUsdt) : null;
  return {
    positionId: position.id,
    symbol: position.symbol,
    spotSymbol: position.spotSymbol,
    leverage: position.leverage,
    openedAtMs: position.openedAtMs,
    perpQty,
    spotQty,
    entryPrice: entry,
    markPrice: mark,
    perpPnlUsdt: perpPnl,
    spotPnlUsdt: spotPnl,
    fundingUsdt: funding,
    entryFeesUsdt: position.entryFeesUsdt,
    combinedPnlUsdt: combined,
  };
}

/**
 * The position as the store records it, for a running bot whose account lives inside its own process (an embedded
 * simulator, paper mode): another process cannot read that account, and opening a venue here would read a fresh,
 * empty one. Prices and PnL are unknown from here; the bot prices the close itself.
 */
export function recordedView(store: Store, position: Position): LiveView {
  const detail = store.positionDetail(position.id);
  return {
    positionId: position.id,
    symbol: position.symbol,
    spotSymbol: position.spotSymbol,
    leverage: position.leverage,
    openedAtMs: position.openedAtMs,
    perpQty: position.perpQty,
    spotQty: position.spotQtyNet,
    entryPrice: position.perpAvgPrice,
    markPrice: null,
    perpPnlUsdt: null,
    spotPnlUsdt: null,
    fundingUsdt: detail.fundingPayments.length > 0 ? detail.fundingPaymentsTotalUsdt : position.fundingReceivedUsdt,
    entryFeesUsdt: position.entryFeesUsdt,
    combinedPnlUsdt: null,
  };
}

function usd(value: Decimal | null): string {
  return value === null ? 'n/a' : `${value.isNegative() ? '-' : '+'}$${value.abs().toFixed(2)}`;
}

export function describeLiveView(view: LiveView): string {
  const opened = view.openedAtMs === null ? 'unknown' : new Date(view.openedAtMs).toISOString();
  return [
    `Position #${view.positionId}: ${view.symbol} at ${view.leverage}x, opened ${opened}`,
    `  perp short ${view.perpQty.toFixed()} (entry ${view.entryPrice?.toFixed() ?? 'n/a'}, mark ${view.markPrice?.toFixed() ?? 'n/a'})`,
    `  spot ${view.spotQty.toFixed()} ${view.spotSymbol} (the position's own; other holdings are not sold)`,
    `  perp PnL ${usd(view.perpPnlUsdt)}, spot PnL ${usd(view.spotPnlUsdt)}, funding ${usd(view.fundingUsdt)}, ` +
      `entry fees ${usd(view.entryFeesUsdt.negated())}`,
    `  net before exit fees ${usd(view.combinedPnlUsdt)}`,
    `Orders: SELL ${view.spotQty.toFixed()} ${view.spotSymbol} (spot, market), ` +
      `BUY ${view.perpQty.toFixed()} ${view.symbol} (perp, market, reduce-only)`,
  ].join('\n');
}

function viewJson(view: LiveView): Record<string, unknown> {
  return JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
}

async function confirm(options: ExitOptions, io: ExitIo): Promise<void> {
  if (options.yes === true) return;
  const answer = await io.ask('Close both legs now? Type "yes" to confirm: ');
  if (answer === null || !/^y(es)?$/i.test(answer.trim())) {
    throw new ExitNotDoneError('exit not confirmed: nothing was sent (use --yes to skip the question)');
  }
}

function timeoutMs(options: ExitOptions): number {
  if (options.timeout === undefined) return DEFAULT_EXIT_REQUEST_TTL_MS;
  const seconds = Number(options.timeout);
  if (!/^\d+$/.test(options.timeout) || seconds < 1 || seconds > 3600) {
    throw new ConfigError('--timeout', `must be a whole number of seconds from 1 to 3600, got "${options.timeout}"`, {
      value: options.timeout,
    });
  }
  return seconds * 1000;
}

/** A bot runs: show the live position, confirm, and ask it to close through the store. */
async function exitThroughRunningBot(setup: CommandSetup, options: ExitOptions, io: ExitIo): Promise<void> {
  const { dataDir, json } = setup;
  const out = (text: string) => {
    if (!json) io.stdout.write(`${text}\n`);
  };
  const holder = inspectLock(dataDir).holder;
  out(
    `A bot is running on ${dataDir}${holder === null ? '' : ` (pid ${holder.pid}, ${holder.command})`}: it will close the position itself.`,
  );
  const reader = openStore(dataDir, { readOnly: true });
  let view: LiveView | null = null;
  try {
    const position = reader.positions.active();
    if (position !== null && !accountReadable(setup.config)) {
      view = recordedView(reader, position);
      out(`${describeLiveView(view)}\n  (as recorded: the account lives inside the running bot's process)`);
    } else if (position !== null) {
      const opened = await openVenue(setup, 'account');
      try {
        view = await liveView(opened.venue, reader, position);
      } finally {
        await opened.close();
      }
      out(describeLiveView(view));
    } else {
      out('The store records no open position; the bot will check the exchange and close whatever it holds.');
    }
  } finally {
    reader.close();
  }
  await confirm(options, io);

  const channel = openExitChannel(dataDir);
  let finished: ExitRequest;
  try {
    const wait = timeoutMs(options);
    const request = channel.request({
      reason: 'emergency exit',
      requestedBy: `dnfarm exit (pid ${process.pid})`,
      ttlMs: wait,
    });
    out(`Exit request #${request.id} sent; waiting for the bot…`);
    const acknowledged = await channel.waitFor(request.id, { until: 'acknowledged', timeoutMs: wait });
    if (acknowledged.status === 'acknowledged') out('The bot acknowledged the request and is closing the position…');
    finished =
      acknowledged.status === 'acknowledged'
        ? await channel.waitFor(request.id, { until: 'finished', timeoutMs: wait })
        : acknowledged;
  } finally {
    channel.close();
  }
  if (json) {
    writeJson(io, {
      ok: finished.status === 'completed',
      command: 'exit',
      via: 'running-bot',
      position: view === null ? null : viewJson(view),
      request: finished,
    });
  } else {
    out(`Exit request #${finished.id}: ${finished.status}${finished.result === null ? '' : `: ${finished.result}`}`);
  }
  if (finished.status !== 'completed') {
    throw new ExitNotDoneError(
      finished.status === 'acknowledged'
        ? `the bot took the request but had not finished after ${Math.round(timeoutMs(options) / 1000)} s; check \`dnfarm status\``
        : `exit request ${finished.status}${finished.result === null ? '' : `: ${finished.result}`}`,
    );
  }
}

/** No bot runs: this process reconciles and closes through the executor. */
async function exitStandalone(setup: CommandSetup, options: ExitOptions, io: ExitIo): Promise<void> {
  const { config, params, json, logger } = setup;
  const clock = new DeferredClock();
  const store = openWriterStore(setup, clock);
  try {
    const opened = await openVenue(setup, 'account');
    try {
      if (opened.simulator !== null) clock.set(opened.simulator.clock);
      bindStore(store, bindingFor(config, opened, setup.resolved.credentials));
      const ui: EngineEventSink = json ? () => {} : consoleSink(setup, io);
      const events = fanOut(ui, logSink(setup));
      const executor: Executor = createExecutor({
        venue: opened.venue,
        store,
        params,
        execution: engineSettingsFromConfig(config).execution,
        clock,
        events,
        logger: logger.child({ component: 'engine' }),
      });
      const report: ReconcileReport = await executor.reconcile('startup');
      const position = store.positions.active();
      if (position === null) {
        if (json) writeJson(io, { ok: true, command: 'exit', via: 'direct', position: null, reconcile: report });
        else io.stdout.write('No open position: nothing to close.\n');
        return;
      }
      const view = await liveView(opened.venue, store, position);
      if (!json) io.stdout.write(`${describeLiveView(view)}\n`);
      await confirm(options, io);
      events({
        type: 'close_started',
        positionId: position.id,
        symbol: position.symbol,
        reason: 'manual',
        source: 'exit_request',
      });
      const outcome = await executor.closePosition(position.id, 'manual');
      emitCloseSkipped(events, outcome);
      if (json) {
        writeJson(io, {
          ok: outcome.status === 'closed',
          command: 'exit',
          via: 'direct',
          position: viewJson(view),
          outcome: JSON.parse(JSON.stringify(outcome)) as unknown,
        });
      }
      if (outcome.status !== 'closed') {
        throw new ExitNotDoneError(
          `the close did not complete: ${outcome.message}; the position is marked closing and blocks new opens; ` +
            'run `dnfarm exit` again or start the bot, which retries it',
        );
      }
    } finally {
      await opened.close();
    }
  } finally {
    store.close();
  }
}

export async function runExit(options: ExitOptions, io: ExitIo = processExitIo): Promise<void> {
  await runCommand('exit', options, io, async (setup) => {
    timeoutMs(options);
    const lock = inspectLock(setup.dataDir);
    if (lock.held) await exitThroughRunningBot(setup, options, io);
    else await exitStandalone(setup, options, io);
  });
}

export function registerExitCommand(program: Command, io: ExitIo = processExitIo): Command {
  const command = program
    .command('exit')
    .description('emergency exit: show the position with live figures, confirm, close both legs')
    .option('--yes', 'do not ask for confirmation')
    .option('--timeout <seconds>', 'how long to wait for a running bot to close (default 120)');
  addCommonOptions(command);
  command.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  dnfarm exit                 # shows the position, asks, then closes',
      '  dnfarm exit --yes --json    # no question; one JSON document with the outcome',
      '',
      'When a bot is running on the same data dir, it is asked to close (and then stops) instead of',
      'this process trading behind its back. Exit codes: 0 closed or nothing to close, 1 not closed, 2 bad usage.',
    ].join('\n'),
  );
  return command.action(async (opts: ExitOptions) => {
    await runExit(opts, io);
  });
}

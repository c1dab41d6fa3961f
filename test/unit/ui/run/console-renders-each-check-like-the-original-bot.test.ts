import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import type { EngineEvent } from '../../../../src/engine/events.ts';
import { feeCoverage } from '../../../../src/strategy/fees.ts';
import { scanPairs } from '../../../../src/strategy/scan.ts';
import { stripAnsi } from '../../../../src/ui/color.ts';
import { createConsoleRenderer } from '../../../../src/ui/run/renderer.ts';
import { NOW, params, snapshot } from '../../strategy/support/builders.ts';

const ESC = String.fromCharCode(27);

class Capture {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const scan = scanPairs(
  snapshot([
    { symbol: 'BTCUSDT', base: 'BTC', rate: '0.0001', price: '100000' },
    { symbol: 'ETHUSDT', base: 'ETH', rate: '0.0002', intervalHours: 4, price: '3500' },
    { symbol: 'LOWUSDT', base: 'LOW', rate: '0.003', price: '2', spotVolume: '1000000', perpVolume: '2000000' },
  ]),
  params(),
);

const coverage = feeCoverage(dec('4'), dec('80'), dec('70'), params());

const iteration: EngineEvent[] = [
  { type: 'iteration_started', iteration: 3, timeMs: NOW, completedCycles: 2, heldSymbol: 'BTCUSDT' },
  {
    type: 'portfolio',
    portfolio: {
      valueUsdt: dec('10000'),
      spotUsdt: dec('5000'),
      perpWalletUsdt: dec('5000'),
      unrealisedUsdt: dec('0'),
      unpricedAssets: [],
      baselineUsdt: dec('9900'),
      baselineTimeMs: NOW - 28 * 3_600_000,
      pnlUsdt: dec('100'),
      pnlPct: dec('1.0101'),
    },
  },
  {
    type: 'position_status',
    positionId: 1,
    symbol: 'BTCUSDT',
    leverage: 1,
    ageHours: 5.5,
    spotQty: dec('0.048'),
    perpQty: dec('0.048'),
    entryPrice: dec('100000'),
    markPrice: dec('101000'),
    spotPnlUsdt: dec('48'),
    perpPnlUsdt: dec('-48'),
    fundingReceivedUsdt: dec('4'),
    entryFeesUsdt: dec('80'),
    combinedPnlUsdt: dec('-76'),
    shortPnlPct: dec('-1'),
    stopLossPct: dec('-70'),
    stopLossMarkPrice: dec('170000'),
  },
  { type: 'scan', scan, heldSymbol: 'BTCUSDT' },
  {
    type: 'decision',
    decision: {
      kind: 'hold',
      reason: 'no_exit_rule',
      message: 'no exit rule applies',
      issues: [{ level: 'critical', code: 'imbalance', symbol: 'BTCUSDT', message: 'legs 12% apart' }],
      scan,
      symbol: 'BTCUSDT',
      ageHours: 5.5,
      shortPnlPct: dec('-1'),
      stopLossPct: dec('-70'),
      feeCoverage: coverage,
      rotation: { rotate: false, why: 'not_better_enough', message: 'no rotation: ETHUSDT 43.80% vs BTCUSDT 10.95%' },
    },
  },
  { type: 'warning', code: 'short_pnl', message: 'short leg PnL -26%' },
  { type: 'iteration_completed', iteration: 3, durationMs: 120, nextAtMs: NOW + 300_000, ok: true },
];

function render(
  events: EngineEvent[],
  stream: Capture,
  options: { color?: boolean; env?: Record<string, string> } = {},
) {
  const sink = createConsoleRenderer({
    stream,
    env: options.env ?? {},
    ...(options.color === undefined ? {} : { color: options.color }),
  });
  for (const event of events) sink(event);
  return stream.text;
}

describe('run console renderer', () => {
  it('frames each check: rule, CHECK #N with UTC time and cycles, portfolio with long-term PnL and its date', () => {
    const out = render(iteration, new Capture(false));
    expect(out).toContain(`${'='.repeat(80)}\nCHECK #3 - 2025-10-15 12:00:00 UTC | Trading Cycles Completed: 2\n`);
    expect(out).toContain('Portfolio: $10,000.00 | PnL: +$100.00 (+1.01%) | Since: 2025-10-14 08:00 UTC');
  });

  it('shows the position block with spot / perp / combined PnL, funding, fees and the stop', () => {
    const out = render(iteration, new Capture(false));
    expect(out).toContain('Position BTCUSDT 1x, age 5.5 h');
    expect(out).toMatch(/Spot PnL: +\+\$48\.00/);
    expect(out).toMatch(/Perp PnL: +-\$48\.00/);
    expect(out).toMatch(/Combined PnL: +-\$76\.00 incl\. funding and fees/);
    expect(out).toMatch(/Funding received: +\+\$4\.0000/);
    expect(out).toMatch(/Stop-loss: +-70% \(mark ≥ 170,000\.00\), perp PnL now -1\.00%, 68\.32% price rise away/);
  });

  it('lists the scan with [CURRENT] on the held symbol and the coverage bar of the hold decision', () => {
    const out = render(iteration, new Capture(false));
    expect(out).toMatch(/BTCUSDT +│ +8h │ +10\.95% │ +\$950\.00M │ +0\.0000% │ \[CURRENT\]/);
    expect(out).toMatch(/ETHUSDT +│ +4h │ +43\.80% │ .* │ eligible/);
    expect(out).toContain('not shown: low volume 1');
    expect(out).toContain('>>> Best: ETHUSDT at 43.80% APR');
    // 4 / 150 = 0.0267 of the fees; 0.133 of the 0.2x target → 3 of 25 cells.
    expect(out).toMatch(
      new RegExp(`Fee coverage: +\\[${'█'.repeat(3)}${'-'.repeat(22)}\\] 13\\.3% \\(0\\.027x of 0\\.2x\\)`),
    );
    expect(out).toContain('✗ legs 12% apart');
    expect(out).toContain('! short leg PnL -26%');
    expect(out).toContain('Holding BTCUSDT: no exit rule applies');
    expect(out).toContain('next check at 2025-10-15 12:05:00 UTC');
  });

  it('prints an iteration in the original order (portfolio, position, scan, decision) whatever the emission order', () => {
    const [started, portfolio, position, scanEvent, decision, warning, completed] = iteration as [
      EngineEvent,
      EngineEvent,
      EngineEvent,
      EngineEvent,
      EngineEvent,
      EngineEvent,
      EngineEvent,
    ];
    const engineOrder = [started, scanEvent, decision, warning, portfolio, position, completed];
    const out = render(engineOrder, new Capture(false));
    const at = (text: string) => out.indexOf(text);
    expect(at('CHECK #3')).toBeLessThan(at('Portfolio:'));
    expect(at('Portfolio:')).toBeLessThan(at('Position BTCUSDT'));
    expect(at('Position BTCUSDT')).toBeLessThan(at('Fee coverage:'));
    expect(at('Fee coverage:')).toBeLessThan(at('Scan: 3 pairs'));
    expect(at('Scan: 3 pairs')).toBeLessThan(at('Holding BTCUSDT'));
    expect(at('Holding BTCUSDT')).toBeLessThan(at('next check at'));
    expect(out).toBe(render(iteration, new Capture(false)));
  });

  it('writes no colour codes to a pipe, and colours a terminal', () => {
    expect(render(iteration, new Capture(false))).not.toContain(ESC);
    const tty = render(iteration, new Capture(true));
    expect(tty).toContain(`${ESC}[36m${'='.repeat(80)}`);
    expect(tty).toContain(`${ESC}[32m+$48.00`);
    expect(tty).toContain(`${ESC}[31m-$48.00`);
    expect(stripAnsi(tty)).toBe(render(iteration, new Capture(false)));
  });

  it('honours NO_COLOR on a terminal, FORCE_COLOR in a pipe, and an explicit choice over both', () => {
    expect(render(iteration, new Capture(true), { env: { NO_COLOR: '1' } })).not.toContain(ESC);
    expect(render(iteration, new Capture(false), { env: { FORCE_COLOR: '1' } })).toContain(ESC);
    expect(render(iteration, new Capture(true), { color: false })).not.toContain(ESC);
    expect(render(iteration, new Capture(false), { color: true })).toContain(ESC);
  });

  it('reports opens, closes with their PnL, stop-losses, errors and the shutdown notice', () => {
    const out = render(
      [
        {
          type: 'open_started',
          symbol: 'ETHUSDT',
          leverage: 2,
          notionalUsdt: dec('6400'),
          spotBuyQty: dec('1.83'),
          perpQty: dec('1.83'),
          aprPct: dec('43.8'),
        },
        {
          type: 'leg_filled',
          intentId: 9,
          leg: 'spot',
          market: 'spot',
          symbol: 'ETHUSDT',
          side: 'BUY',
          clientOrderId: 'x',
          qty: dec('1.83'),
          avgPrice: dec('3500.5'),
        },
        {
          type: 'close_completed',
          positionId: 1,
          symbol: 'BTCUSDT',
          reason: 'fee_coverage',
          pnl: {
            spotUsdt: dec('10'),
            perpUsdt: dec('-9'),
            fundingUsdt: dec('4'),
            feesUsdt: dec('3.5'),
            totalUsdt: dec('1.5'),
          },
          volumeUsdt: dec('19200'),
          completedCycles: 3,
        },
        {
          type: 'stop_loss_triggered',
          positionId: 2,
          symbol: 'ETHUSDT',
          markPrice: dec('4725'),
          stopMarkPrice: dec('4725'),
          shortPnlPct: dec('-35'),
          stopLossPct: dec('-35'),
          source: 'stream',
        },
        { type: 'error', message: 'GET /fapi/v1/premiumIndex: timeout', kind: 'retryable', step: 'scan' },
        {
          type: 'shutdown',
          reason: 'SIGTERM',
          openPosition: { positionId: 2, symbol: 'ETHUSDT', spotQty: dec('1.83'), perpQty: dec('1.83') },
        },
      ],
      new Capture(false),
    );
    expect(out).toContain('Opening ETHUSDT at 2x: notional $6,400.00, spot buy 1.83, perp short 1.83, APR 43.80%');
    expect(out).toContain('  spot BUY ETHUSDT filled 1.83 @ 3,500.50');
    expect(out).toContain('✓ Position closed: BTCUSDT (Trading Cycle #3 Completed)');
    expect(out).toContain('spot +$10.00 | perp -$9.00 | funding +$4.0000 | fees -$3.5000 | net +$1.50');
    expect(out).toContain(
      'STOP-LOSS ETHUSDT: mark 4,725.00 ≥ stop 4,725.00 (perp PnL -35.00% ≤ -35%, from the stream)',
    );
    expect(out).toContain('✗ scan: GET /fapi/v1/premiumIndex: timeout (retryable)');
    expect(out).toContain('Position ETHUSDT stays open on the exchange');
    expect(out).toContain('`dnfarm exit` closes it now');
  });

  it('ignores event types it does not know', () => {
    const stream = new Capture(false);
    createConsoleRenderer({ stream, env: {} })({ type: 'something_new' } as unknown as EngineEvent);
    expect(stream.text).toBe('');
  });
});

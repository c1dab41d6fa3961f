import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/decimal.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createPalette, stripAnsi } from '../../../../src/ui/color.ts';
import { statusReportJson } from '../../../../src/ui/status/json.ts';
import { type AccountRead, buildStatusReport, type StatusInputs } from '../../../../src/ui/status/model.ts';
import { renderStatusReport } from '../../../../src/ui/status/render.ts';
import { removeTempDirs, tempDataDir } from '../../store/helpers.ts';
import { H, params, perpBalance, perpPosition, snapshot, spotBalance } from '../../strategy/support/builders.ts';

const OPENED = Date.UTC(2025, 9, 15, 0, 0, 0);
const NOW = OPENED + 10 * H;
let store: Store;
let dataDir: string;

beforeEach(() => {
  dataDir = tempDataDir();
  let t = OPENED;
  store = openStore(dataDir, { clock: { nowMs: () => t } });
  store.baseline.captureIfAbsent({ valueUsdt: dec('200000'), timeMs: OPENED - 24 * H });
  const p = store.positions.create({
    symbol: 'BTCUSDT',
    spotSymbol: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    leverage: 1,
    notionalUsdt: dec('100010'),
    entryAprPct: dec('10.95'),
  });
  store.positions.markOpen(p.id, {
    openedAtMs: OPENED,
    spotQtyGross: dec('1.001'),
    spotQtyNet: dec('1'),
    perpQty: dec('1'),
    spotAvgPrice: dec('100000'),
    perpAvgPrice: dec('100010'),
    notionalUsdt: dec('100010'),
    entryFeesUsdt: dec('80'),
    volumeUsdt: dec('200110'),
  });
  t = OPENED + 8 * H;
  store.funding.record(
    {
      symbol: 'BTCUSDT',
      incomeType: 'FUNDING_FEE',
      income: dec('5'),
      asset: 'USDT',
      timeMs: t,
      tranId: 'f1',
      tradeId: '',
    },
    p.id,
  );
  store.counters.incrementCheckIterations();
});

afterEach(() => {
  store.close();
  removeTempDirs();
});

function account(): AccountRead {
  const snap = snapshot([{ symbol: 'BTCUSDT', base: 'BTC', rate: '0.0001', price: '101000' }], { timeMs: NOW });
  return {
    spotBalances: [spotBalance('BTC', '1'), spotBalance('USDT', '100')],
    perpBalances: [perpBalance('USDT', '99000')],
    perpPositions: [perpPosition('BTCUSDT', '-1', '100010', '101000'), perpPosition('ETHUSDT', '-2', '3500', '3500')],
    spotMarkets: snap.spotMarkets,
    spotBooks: snap.spotBooks,
    premiumIndex: snap.premiumIndex,
    takerRates: { spotTaker: dec('0.001'), perpTaker: dec('0.0004') },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function inputs(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    mode: 'live',
    dataDir,
    nowWallMs: NOW,
    nowMs: NOW,
    params: params(),
    lock: { held: true, holder: { pid: 77, host: 'box', startedAtMs: OPENED, command: 'dnfarm run' } },
    store: store.status(),
    heartbeat: { wallMs: NOW - 60_000, iteration: 1, pid: 77, loopIntervalSeconds: 300, state: 'running' },
    binding: { mode: 'live', venue: 'https://fapi.asterdex.com', account: '0xabc' },
    account: account(),
    accountNote: null,
    accountFailed: false,
    quoteAsset: 'USDT',
    ...over,
  };
}

describe('status report', () => {
  it('marks the position to market: spot, perp and combined PnL with funding and real fees', () => {
    const view = buildStatusReport(inputs()).position!;
    expect(view.ageHours).toBe(10);
    expect(view.pnl?.spotPnlUsdt.toFixed()).toBe('1000');
    expect(view.pnl?.perpPnlUsdt.toFixed()).toBe('-990');
    expect(view.pnl?.fundingUsdt.toFixed()).toBe('5');
    // Exit estimate from the account's taker rates: 101000 × 0.001 + 101000 × 0.0004.
    expect(view.exitFeesEstimateUsdt?.toFixed()).toBe('141.4');
    expect(view.pnl?.netPnlUsdt.toFixed()).toBe('-206.4');
  });

  it('measures fee coverage against entry + estimated exit fees', () => {
    const { coverage } = buildStatusReport(inputs()).position!;
    expect(coverage.totalFeesUsdt.toFixed()).toBe('221.4');
    expect(coverage.requiredFundingUsdt.toFixed()).toBe('44.28');
    expect(coverage.progress.toFixed(4)).toBe('0.1129');
    expect(coverage.covered).toBe(false);
  });

  it('shows the stop-loss level, its mark price and the distance left', () => {
    const stop = buildStatusReport(inputs()).position!.stop!;
    expect(stop.stopLossPct.toFixed()).toBe('-70');
    expect(stop.stopMarkPrice.toFixed()).toBe('170017');
    expect(stop.shortPnlPct?.toFixed(4)).toBe('-0.9899');
    expect(stop.distancePct?.toFixed(2)).toBe('68.33');
  });

  it('values the portfolio on the exchange and measures long-term PnL against the baseline', () => {
    const p = buildStatusReport(inputs()).portfolio!;
    expect(p.source).toBe('exchange');
    // 1 BTC at 101000 + 100 USDT + 99000 perp wallet − 990 − 0 unrealised.
    expect(p.valueUsdt.toFixed()).toBe('199110');
    expect(p.pnlUsdt?.toFixed()).toBe('-890');
    expect(p.baseline?.timeMs).toBe(OPENED - 24 * H);
  });

  it('warns about a perp position on the exchange that the store does not track', () => {
    const report = buildStatusReport(inputs());
    expect(report.warnings.some((w) => w.includes('ETHUSDT -2'))).toBe(true);
  });

  it('falls back to the last recorded equity when the account cannot be read', () => {
    store.equity.record({
      timeMs: NOW - H,
      portfolioValueUsdt: dec('199500'),
      spotValueUsdt: dec('100000'),
      perpWalletUsdt: dec('99500'),
      unrealizedPnlUsdt: dec('0'),
      positionId: null,
    });
    const report = buildStatusReport(inputs({ account: null, accountNote: 'paper mode', store: store.status() }));
    expect(report.portfolio).toMatchObject({ source: 'last_iteration', timeMs: NOW - H });
    expect(report.position?.pnl).toBeNull();
    expect(report.position?.stop?.stopMarkPrice.toFixed()).toBe('170017');
    expect(report.spotBalances).toBeNull();
  });

  it('renders every section in plain text, and the JSON document with exact strings', () => {
    const report = buildStatusReport(inputs());
    const text = renderStatusReport(report, { feeCoverageMultiplier: dec('0.2') }, createPalette(false));
    const lines: [string, string][] = [
      ['Bot', 'running (pid 77 on box'],
      ['Portfolio value', '$199,110.00'],
      ['Long-term PnL', '-$890.00 (-0.44%) since 2025-10-14 00:00 UTC'],
      ['Combined PnL', '-$206.40'],
      ['Fee coverage', `[${'█'.repeat(2)}${'-'.repeat(23)}] 11.3% (0.023x of 0.2x)`],
      ['Stop-loss', '-70% (mark ≥ 170,017.00)'],
      ['Check iterations', '1'],
      ['Funding received', '+$5.0000'],
    ];
    const plain = stripAnsi(text);
    for (const [label, value] of lines)
      expect(plain).toMatch(new RegExp(`${escapeRegExp(label)}: +${escapeRegExp(value)}`));
    expect(plain).toContain('Position BTCUSDT 1x, age 10.0 h since 2025-10-15 00:00 UTC');
    const json = statusReportJson(report);
    expect(json.position).toMatchObject({
      symbol: 'BTCUSDT',
      funding_received_usdt: '5',
      stop_loss: { stop_loss_pct: '-70', stop_mark_price: '170017' },
    });
    expect(json.counters).toMatchObject({ check_iterations: 1, traded_volume_usdt: '200110' });
    expect(json.ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { PerpPosition } from '../../../src/domain/account.ts';
import { dec } from '../../../src/domain/decimal.ts';
import { decide } from '../../../src/strategy/decide.ts';
import type { Decision } from '../../../src/strategy/decision.ts';
import type { StrategyState } from '../../../src/strategy/state.ts';
import {
  account,
  filters,
  H,
  heldPosition,
  NOW,
  type PairData,
  params,
  perpBalance,
  perpPosition,
  snapshot,
  spotBalance,
  state,
} from './support/builders.ts';

const aster = (rate: string, price = '2', extra: Partial<PairData> = {}): PairData => ({
  symbol: 'ASTERUSDT',
  base: 'ASTER',
  rate,
  price,
  ...extra,
});
const btc = (rate: string): PairData => ({ symbol: 'BTCUSDT', base: 'BTC', rate, price: '110000' });
const eth = (rate: string): PairData => ({ symbol: 'ETHUSDT', base: 'ETH', rate, price: '4000' });

function heldState(
  overrides: {
    spotAster?: string;
    perpAmt?: string;
    perpEntry?: string;
    mark?: string;
    pos?: Partial<ReturnType<typeof heldPosition>>;
    extraPositions?: PerpPosition[];
    extraSpot?: ReturnType<typeof spotBalance>[];
  } & Partial<StrategyState> = {},
): StrategyState {
  const perpAmt = overrides.perpAmt ?? '-450.12';
  const positions =
    perpAmt === '0'
      ? []
      : [perpPosition('ASTERUSDT', perpAmt, overrides.perpEntry ?? '1.94726', overrides.mark ?? '2')];
  const { spotAster, perpEntry, mark, pos, extraPositions, extraSpot, perpAmt: _p, ...rest } = overrides;
  return state({
    position: heldPosition(pos ?? {}),
    account: account(
      [spotBalance('USDT', '20'), spotBalance('ASTER', spotAster ?? '450.12'), ...(extraSpot ?? [])],
      [perpBalance('USDT', '460')],
      [...positions, ...(extraPositions ?? [])],
    ),
    ...rest,
  });
}

function expectKind<K extends Decision['kind']>(d: Decision, kind: K): Extract<Decision, { kind: K }> {
  expect(d.kind, d.message).toBe(kind);
  return d as Extract<Decision, { kind: K }>;
}

describe('decide: flat', () => {
  it('opens the best pair with a wallet plan and sizing', () => {
    const d = expectKind(decide(snapshot([aster('0.0002'), eth('0.0001')]), state(), params(), NOW), 'open');
    expect(d.pair.symbol).toBe('ASTERUSDT');
    expect(d.reason).toBe('best_opportunity');
    expect(d.walletPlan.transfer).toBeNull();
    // 480 USDT at the ask 2.0002, step 0.001; spot fee 0.04 % in base bought on top.
    expect(d.sizing.notionalUsdt.toFixed()).toBe('480');
    expect(d.sizing.perpQty.toFixed()).toBe('239.976');
    expect(d.sizing.expectedSpotNetQty.greaterThanOrEqualTo(d.sizing.perpQty)).toBe(true);
    expect(d.spotPrice.toFixed()).toBe('2.0002');
  });

  it('W-4: prices the spot buy at the ask, not the bid, and carries the scan for the log', () => {
    const d = expectKind(decide(snapshot([aster('0.0002')]), state(), params(), NOW), 'open');
    const spotBook = snapshot([aster('0.0002')]).spotBooks.get('ASTERUSDT');
    expect(d.spotPrice.equals(spotBook?.askPrice ?? dec(0))).toBe(true);
    expect(d.spotPrice.greaterThan(spotBook?.bidPrice ?? dec(0))).toBe(true);
    expect(d.scan?.best?.symbol).toBe('ASTERUSDT');
    expect(d.candidate.rankingAprPct?.toFixed()).toBe('21.9');
  });

  it('sizes on the balances the rebalancing transfer leads to', () => {
    const s = state({ account: account([spotBalance('USDT', '900')], [perpBalance('USDT', '100')]) });
    const d = expectKind(decide(snapshot([aster('0.0002')]), s, params({ leverage: 3 }), NOW), 'open');
    expect(d.walletPlan.transfer).toEqual({ direction: 'SPOT_TO_PERP', amountUsdt: dec(150) });
    expect(d.sizing.notionalUsdt.toFixed()).toBe('720');
    expect(d.leverage).toBe(3);
  });

  it('W-7: sizing ignores the user’s pre-existing holdings of the base asset', () => {
    const plain = expectKind(decide(snapshot([aster('0.0002')]), state(), params(), NOW), 'open');
    const holder = state({
      account: account([spotBalance('USDT', '500'), spotBalance('ASTER', '10000', '5')], [perpBalance('USDT', '500')]),
    });
    const withHoldings = expectKind(decide(snapshot([aster('0.0002')]), holder, params(), NOW), 'open');
    expect(withHoldings.sizing).toEqual(plain.sizing);
  });

  it('waits when no pair passes the filters', () => {
    const d = expectKind(decide(snapshot([aster('-0.0002')]), state(), params(), NOW), 'wait');
    expect(d.reason).toBe('no_opportunity');
  });

  it('waits when spot + perp USDT is below minFreeUsdtWhenFlat', () => {
    const s = state({ account: account([spotBalance('USDT', '10')], [perpBalance('USDT', '19.99')]) });
    const d = expectKind(decide(snapshot([aster('0.0002')]), s, params(), NOW), 'wait');
    expect(d.reason).toBe('insufficient_funds');
    expect(d.issues).toMatchObject([{ code: 'low_free_usdt', level: 'critical' }]);
  });

  it('W-6: waits with the reason when the legs would break the exchange filters', () => {
    // $33 split into two $16.50 wallets deploys $15.84, below a $20 minimum notional.
    const s = state({ account: account([spotBalance('USDT', '3')], [perpBalance('USDT', '30')]) });
    const strict = filters({ minNotional: '20' });
    const snap = snapshot([aster('0.0002', '2', { spotFilters: strict, perpFilters: strict })]);
    const d = expectKind(decide(snap, s, params(), NOW), 'wait');
    expect(d.reason).toBe('sizing_failed');
    expect(d.message).toContain('is below the minimum 20');
  });

  it('W-2: closes an unrecorded naked short before anything else', () => {
    const s = state({
      account: account(
        [spotBalance('USDT', '500')],
        [perpBalance('USDT', '500')],
        [perpPosition('ETHUSDT', '-0.25', '4000', '4000')],
      ),
    });
    const d = expectKind(decide(snapshot([aster('0.0002'), eth('0.0001')]), s, params(), NOW), 'repair');
    expect(d.reason).toBe('untracked_naked_short');
    expect(d.order).toEqual({
      market: 'perp',
      symbol: 'ETHUSDT',
      side: 'BUY',
      quantity: dec('0.25'),
      reduceOnly: true,
    });
  });

  it('does not open while an unrecorded hedged position exists', () => {
    const s = state({
      account: account(
        [spotBalance('USDT', '500'), spotBalance('ETH', '0.25')],
        [perpBalance('USDT', '500')],
        [perpPosition('ETHUSDT', '-0.25', '4000', '4000')],
      ),
    });
    const d = expectKind(decide(snapshot([aster('0.0002'), eth('0.0001')]), s, params(), NOW), 'wait');
    expect(d.reason).toBe('untracked_position');
  });

  it('W-13: waits, never trades, when the account could not be read', () => {
    const d = expectKind(decide(snapshot([aster('0.0002')]), state({ account: null }), params(), NOW), 'wait');
    expect(d.reason).toBe('account_unavailable');
  });
});

describe('decide: holding', () => {
  const market = () => snapshot([aster('0.0002'), btc('0.0001')]);

  it('holds a healthy position and reports fee coverage and rotation', () => {
    const d = expectKind(decide(market(), heldState(), params(), NOW), 'hold');
    expect(d.symbol).toBe('ASTERUSDT');
    expect(d.stopLossPct.toFixed()).toBe('-70');
    expect(d.feeCoverage.covered).toBe(false);
    expect(d.rotation.rotate).toBe(false);
    expect(d.ageHours).toBe(2);
  });

  it('W-11: the stop-loss fires at 1× although the health check is critical first', () => {
    // Mark 3.35 = +72 % over entry: short PnL −72 % (health critical since −50 %) and ≤ −70 %.
    const d = expectKind(
      decide(snapshot([aster('0.0002', '3.35')]), heldState({ mark: '3.35' }), params(), NOW),
      'close',
    );
    expect(d.reason).toBe('stop_loss');
    expect(d.reopen).toBe(false);
    expect(d.perpQty.toFixed()).toBe('450.12');
    expect(d.spotQty.toFixed()).toBe('450.12');
  });

  it('W-11: a critical health issue closes instead of skipping the evaluation', () => {
    // +55 %: short PnL −55 % is past the −50 % critical level but not the −70 % stop.
    const d = expectKind(
      decide(snapshot([aster('0.0002', '3.02')]), heldState({ mark: '3.02' }), params(), NOW),
      'close',
    );
    expect(d.reason).toBe('health_critical');
    expect(d.message).toContain('short PnL');
  });

  it.each([
    [2, '2.63', 'stop_loss'],
    [3, '2.40', 'stop_loss'],
    [3, '2.39', 'hold'],
  ] as const)('W-12: at %ix a mark of %s gives %s (stop from the entry price)', (leverage, mark, kind) => {
    const s = heldState({ mark, pos: { leverage, notionalUsdt: dec('1753') /* inflated capital */ } });
    const d = decide(snapshot([aster('0.0002', mark)]), s, params(), NOW);
    expect(d.kind === 'close' ? d.reason : d.kind).toBe(kind);
  });

  it('evaluates the stop-loss even when the account read failed', () => {
    const s = heldState({ mark: '3.4' });
    const d = expectKind(decide(snapshot([aster('0.0002', '3.4')]), { ...s, account: null }, params(), NOW), 'close');
    expect(d.reason).toBe('stop_loss');
    expect(d.perpQty.toFixed()).toBe('450.12');
  });

  it('W-13: missing data never closes: no account, no mark price → wait', () => {
    const s = heldState();
    expect(expectKind(decide(market(), { ...s, account: null }, params(), NOW), 'wait').reason).toBe(
      'account_unavailable',
    );
    const noMark = snapshot([aster('0.0002', '2', { omit: ['premium'] })]);
    const zeroMark = heldState({ extraPositions: [] });
    const row = zeroMark.account?.perpPositions[0];
    if (!row || !zeroMark.account) throw new Error('fixture');
    const acct = { ...zeroMark.account, perpPositions: [{ ...row, markPrice: dec(0) }] };
    expect(expectKind(decide(noMark, { ...zeroMark, account: acct }, params(), NOW), 'wait').reason).toBe(
      'missing_mark_price',
    );
  });

  it('W-13: a held symbol missing from the scan is not a reason to close', () => {
    const onlyBtc = snapshot([btc('0.0003')], { markets: [] });
    const withMarkets = { ...onlyBtc, spotMarkets: [...market().spotMarkets], perpMarkets: [...market().perpMarkets] };
    const s = heldState();
    const d = decide(withMarkets, s, params(), NOW);
    // The account row still carries a mark price; the held APR is unknown so no rotation.
    expect(d.kind).toBe('hold');
    if (d.kind === 'hold') expect(d.rotation).toMatchObject({ rotate: false, why: 'held_apr_unknown' });
  });

  it('W-2: a naked short of the held position is closed, not ignored', () => {
    const d = expectKind(decide(market(), heldState({ spotAster: '0' }), params(), NOW), 'close');
    expect(d.reason).toBe('naked_short');
    expect(d.perpQty.toFixed()).toBe('450.12');
    expect(d.spotQty.toFixed()).toBe('0');
  });

  it('closes a naked spot leg', () => {
    const d = expectKind(decide(market(), heldState({ perpAmt: '0' }), params(), NOW), 'close');
    expect(d.reason).toBe('naked_spot');
    expect(d.perpQty.toFixed()).toBe('0');
    expect(d.spotQty.toFixed()).toBe('450.12');
  });

  it('W-16: repairs a critical imbalance with one order', () => {
    const d = expectKind(decide(market(), heldState({ spotAster: '400' }), params(), NOW), 'repair');
    expect(d.reason).toBe('imbalance');
    expect(d.order).toEqual({
      market: 'perp',
      symbol: 'ASTERUSDT',
      side: 'BUY',
      quantity: dec('50.12'),
      reduceOnly: true,
    });
  });

  it('records a vanished position without trading', () => {
    const d = expectKind(decide(market(), heldState({ spotAster: '0', perpAmt: '0' }), params(), NOW), 'repair');
    expect(d).toMatchObject({ reason: 'position_gone', order: null });
  });

  it('W-7: a close sells only the position’s own free spot, never the user’s holdings', () => {
    const s = heldState({ spotAster: '1450.12', mark: '3.4' });
    const d = expectKind(decide(snapshot([aster('0.0002', '3.4')]), s, params(), NOW), 'close');
    expect(d.spotQty.toFixed()).toBe('450.12');
  });

  it('W-3: a pending close is retried and blocks everything else but the stop-loss', () => {
    const s = heldState({ pendingClose: { reason: 'rotation', reopen: true } });
    const d = expectKind(decide(market(), s, params(), NOW), 'close');
    expect(d).toMatchObject({ reason: 'rotation', reopen: true, retry: true });
  });

  it('closes on fee coverage and allows reopening the same symbol', () => {
    // Entry fees 0.65 + exit ≈ 450.12 × 2 × (0.0004 + 0.00035) = 0.675 → required 0.2 × 1.325 = 0.265.
    const s = heldState({ pos: { fundingReceivedUsdt: dec('0.27') } });
    const snap = market();
    const d = expectKind(decide(snap, s, params(), NOW), 'close');
    expect(d).toMatchObject({ reason: 'fee_coverage', reopen: true });
    // After the close the account is flat again; the best pair is still ASTERUSDT and may be reopened.
    const flat = state({ account: account([spotBalance('USDT', '500')], [perpBalance('USDT', '500')]) });
    expect(expectKind(decide(snap, flat, params(), NOW), 'open').pair.symbol).toBe('ASTERUSDT');
  });

  it('W-17: uses the account’s commission rates for the exit-fee estimate', () => {
    const s = heldState({ pos: { fundingReceivedUsdt: dec('0.27') } });
    // With the 0.1 % fallback on both legs the exit fee is ≈ 1.8 → required ≈ 0.49 → not covered yet.
    const unknownRates = { ...s, feeRates: { spotTaker: null, perpTaker: null, spotCommissionInBase: true } };
    expect(decide(market(), unknownRates, params(), NOW).kind).toBe('hold');
  });

  it('W-15: rotates to a different symbol against the held symbol’s current APR', () => {
    // Held ASTER opened at 11.17 % now pays 0.00001 (1.095 %); BTC pays 10.95 %: +9.86 points, ×10.
    const snap = snapshot([aster('0.00001'), btc('0.0001')]);
    const s = heldState({ pos: { openedAtMs: NOW - 9 * H } });
    const d = expectKind(decide(snap, s, params(), NOW), 'close');
    expect(d).toMatchObject({ reason: 'forced_rotation', reopen: true, rotateTo: 'BTCUSDT' });
    // Before forcedRotationMinHours nothing happens (the gain is below 10 points).
    const young = heldState({ pos: { openedAtMs: NOW - 5 * H } });
    expect(decide(snap, young, params(), NOW).kind).toBe('hold');
  });

  it('W-15: an opportunistic rotation never picks the held symbol', () => {
    // ASTER is by far the best pair; the entry APR (1 %) is stale and would have "rotated" into itself.
    const snap = snapshot([aster('0.001'), btc('0.00001')]);
    const s = heldState({ pos: { openedAtMs: NOW - 100 * H, entryAprPct: dec('1') } });
    const d = expectKind(decide(snap, s, params(), NOW), 'hold');
    expect(d.rotation.rotate).toBe(false);
  });

  it('closes after maxPositionAgeHours and reopens', () => {
    const s = heldState({ pos: { openedAtMs: NOW - 336 * H - 1 } });
    const d = expectKind(decide(market(), s, params(), NOW), 'close');
    expect(d).toMatchObject({ reason: 'max_age', reopen: true });
  });

  it('closes an unrecorded naked short on another symbol while holding', () => {
    const s = heldState({ extraPositions: [perpPosition('BTCUSDT', '-0.01', '110000', '110000')] });
    const d = expectKind(decide(market(), s, params(), NOW), 'repair');
    expect(d).toMatchObject({ reason: 'untracked_naked_short', symbol: 'BTCUSDT' });
  });

  it('waits when the held symbol’s markets are unknown', () => {
    const snap = snapshot([btc('0.0001')]);
    const s = heldState();
    const row = s.account?.perpPositions[0];
    expect(row?.markPrice.toFixed()).toBe('2');
    expect(expectKind(decide(snap, s, params(), NOW), 'wait').reason).toBe('missing_market');
  });
});

/**
 * Spot executionReport events that are not fills carry `t: -1`; they must reach the engine as order events (NEW,
 * CANCELED) rather than be dropped by validation.
 */
import { describe, expect, it } from 'vitest';
import { parseUserStreamEvent } from '../../../../../src/venue/aster/schemas/index.ts';

const NEW_REPORT = {
  e: 'executionReport',
  E: 1_767_000_000_000,
  s: 'BTCUSDT',
  c: 'dn-open-1-spot',
  S: 'BUY',
  o: 'MARKET',
  f: 'GTC',
  q: '0.00100000',
  p: '0',
  ap: '0',
  P: '0',
  x: 'NEW',
  X: 'NEW',
  i: 1000001,
  l: '0',
  z: '0',
  L: '0',
  n: '0',
  N: null,
  T: 1_767_000_000_000,
  t: -1,
  m: false,
  ot: 'MARKET',
  O: 1_767_000_000_000,
  Z: '0',
  Y: '0',
  Q: '0',
};

describe('spot executionReport without a fill', () => {
  it('parses as an order event with no trade id', () => {
    for (const t of [-1, '-1']) {
      const [event] = parseUserStreamEvent({ ...NEW_REPORT, t }, 'spot');
      expect(event).toMatchObject({ type: 'order', tradeId: '', executionType: 'NEW' });
      expect(event?.type === 'order' && event.order.clientOrderId).toBe('dn-open-1-spot');
    }
  });

  it('keeps the trade id of a real fill', () => {
    const [event] = parseUserStreamEvent(
      { ...NEW_REPORT, x: 'TRADE', X: 'FILLED', t: 42, l: '0.001', z: '0.001', L: '100' },
      'spot',
    );
    expect(event).toMatchObject({ type: 'order', tradeId: '42' });
  });
});

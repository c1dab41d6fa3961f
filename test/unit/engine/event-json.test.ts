import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/decimal.ts';
import { eventJson } from '../../../src/engine/event-json.ts';

describe('eventJson', () => {
  it('one line per event: exact decimals as strings, the wall time, the type as "event"', () => {
    const line = eventJson(
      {
        type: 'funding_received',
        positionId: 3,
        symbol: 'AAAUSDT',
        amountUsdt: dec('0.123456789012345678'),
        totalUsdt: dec('2.5'),
        timeMs: 1_750_000_000_000,
      },
      Date.UTC(2025, 5, 1),
    );
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2025-06-01T00:00:00.000Z',
      event: 'funding_received',
      positionId: 3,
      symbol: 'AAAUSDT',
      amountUsdt: '0.123456789012345678',
      totalUsdt: '2.5',
      timeMs: 1_750_000_000_000,
    });
  });

  it('reduces the markets inside a scan to their symbols', () => {
    const market = { symbol: 'AAAUSDT', filters: { tickSize: dec('0.01') } };
    const line = eventJson({
      type: 'warning',
      message: 'x',
      // A nested pair, as scan rows and open decisions carry them.
      ...({ detail: { pair: { symbol: 'AAAUSDT', spot: market, perp: market } } } as object),
    } as never);
    expect(JSON.parse(line).detail).toEqual({ pair: 'AAAUSDT' });
  });
});

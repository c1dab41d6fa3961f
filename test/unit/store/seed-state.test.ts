import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../../src/errors.ts';
import { parseIsoUtc, parseSeedState, readSeedStateFile } from '../../../src/store/index.ts';
import { REPO_ROOT } from './helpers.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/seed/volume_farming_state.json');
const TEXT = readFileSync(FIXTURE, 'utf8');
const BASE = JSON.parse(TEXT) as Record<string, unknown>;

/** The fixture with some keys replaced (a value of `undefined` removes the key), as text. */
function variant(changes: Record<string, unknown>, position?: Record<string, unknown>): string {
  const state: Record<string, unknown> = { ...BASE };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete state[k];
    else state[k] = v;
  }
  if (position) {
    const p: Record<string, unknown> = { ...(BASE['current_position'] as Record<string, unknown>) };
    for (const [k, v] of Object.entries(position)) {
      if (v === undefined) delete p[k];
      else p[k] = v;
    }
    state['current_position'] = p;
  }
  return JSON.stringify(state, null, 2);
}

function errorOf(text: string): InvalidDataError {
  try {
    parseSeedState(text);
  } catch (e) {
    if (e instanceof InvalidDataError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('seed state: the original bot example', () => {
  it('parses the real example exactly, numbers from their text', () => {
    const s = readSeedStateFile(FIXTURE);
    expect(s.currentPosition?.symbol).toBe('ASTERUSDT');
    expect(s.currentPosition?.capitalUsdt.toFixed()).toBe('711.21');
    expect(s.currentPosition?.fundingRate.toFixed()).toBe('0.00020405');
    expect(s.currentPosition?.effectiveAprPct.toFixed()).toBe('11.17');
    expect(s.currentPosition?.spotQty.toFixed()).toBe('449.957');
    expect(s.currentPosition?.perpQty.toFixed()).toBe('450.12');
    expect(s.currentPosition?.entryPrice.toFixed()).toBe('1.94726');
    expect(s.positionLeverage).toBe(3);
    expect(s.totalFundingReceivedUsdt.toFixed()).toBe('1.9268');
    expect(s.entryFeesPaidUsdt.toFixed()).toBe('1.753');
    expect(s.cycleCount).toBe(3);
    expect(s.totalPositionsOpened).toBe(9);
    expect(s.totalPositionsClosed).toBe(3);
    expect(s.initialPortfolioValueUsdt?.toFixed()).toBe('1184.998');
    // Naive timestamps are UTC: the bot wrote datetime.utcnow().isoformat().
    expect(s.positionOpenedAtMs).toBe(Date.UTC(2025, 9, 13, 22, 41, 7, 318));
    expect(s.initialPortfolioTimeMs).toBe(Date.UTC(2025, 9, 10, 16, 5, 52, 204));
    expect(s.lastUpdatedMs).toBe(Date.UTC(2025, 9, 14, 13, 58, 21, 774));
    expect(s.warnings).toEqual([]);
  });

  it('accepts a flat state (no position, no baseline yet) and Python NaN-free floats like 1e-05', () => {
    const s = parseSeedState(
      variant({
        current_position: null,
        position_opened_at: null,
        position_leverage: null,
        initial_portfolio_value_usdt: null,
        initial_portfolio_timestamp: null,
      }).replace('"total_funding_received": 1.9268', '"total_funding_received": 1e-05'),
    );
    expect(s.currentPosition).toBeNull();
    expect(s.initialPortfolioValueUsdt).toBeNull();
    expect(s.totalFundingReceivedUsdt.toFixed()).toBe('0.00001');
  });

  it('warns about unknown keys, a null leverage and a null open time, without failing', () => {
    const s = parseSeedState(variant({ position_leverage: null, position_opened_at: null, extra: 1 }, { note: 'x' }));
    expect(s.warnings).toEqual([
      'unknown key "extra" ignored',
      'unknown key "current_position.note" ignored',
      'position_opened_at is null: the open time is unknown and is set to the import time (an estimate)',
      'position_leverage is null: 1 is assumed (states written before leverage support were 1× only)',
    ]);
  });
});

describe('seed state: malformed files fail naming the field and the value', () => {
  const cases: { name: string; text: string; field: string; message: RegExp }[] = [
    { name: 'empty file', text: '', field: '(file)', message: /the file is empty/ },
    { name: 'whitespace only', text: ' \n\t\n', field: '(file)', message: /the file is empty/ },
    {
      name: 'truncated JSON',
      text: TEXT.slice(0, Math.floor(TEXT.length / 2)),
      field: '(file)',
      message: /not valid JSON: .*\(the file ends early: truncated\?\) at line \d+ column \d+/,
    },
    { name: 'not an object', text: '[1, 2]', field: '(root)', message: /expected an object, got an array/ },
    {
      name: 'missing key',
      text: variant({ cycle_count: undefined }),
      field: 'cycle_count',
      message: /cycle_count: missing/,
    },
    {
      name: 'wrong type (string for a quantity)',
      text: variant({}, { perp_qty: 'abc' }),
      field: 'current_position.perp_qty',
      message: /current_position\.perp_qty: expected a number > 0, got "abc"/,
    },
    {
      name: 'NaN written by Python',
      text: variant({}).replace('"capital": 711.21', '"capital": NaN'),
      field: 'current_position.capital',
      message: /current_position\.capital: expected a finite number \(a number ≥ 0\), got NaN/,
    },
    {
      name: 'Infinity written by Python',
      text: variant({}).replace('"total_profit_loss": 0.8412', '"total_profit_loss": -Infinity'),
      field: 'total_profit_loss',
      message: /expected a finite number \(a number\), got -Infinity/,
    },
    {
      name: 'negative quantity',
      text: variant({}, { spot_qty: -449.957 }),
      field: 'current_position.spot_qty',
      message: /expected a number ≥ 0, got -449\.957/,
    },
    {
      name: 'zero perp quantity',
      text: variant({}, { perp_qty: 0 }),
      field: 'current_position.perp_qty',
      message: /expected a number > 0, got 0/,
    },
    {
      name: 'bad timestamp',
      text: variant({ position_opened_at: '2025-13-45T99:00:00' }),
      field: 'position_opened_at',
      message: /expected an ISO-8601 timestamp .*, got "2025-13-45T99:00:00"/,
    },
    {
      name: 'impossible date',
      text: variant({ last_updated: '2025-02-30T10:00:00' }),
      field: 'last_updated',
      message: /got "2025-02-30T10:00:00"/,
    },
    {
      name: 'position without symbol',
      text: variant({}, { symbol: undefined }),
      field: 'current_position.symbol',
      message: /current_position\.symbol: missing/,
    },
    {
      name: 'symbol not USDT-quoted',
      text: variant({}, { symbol: 'asterusdc' }),
      field: 'current_position.symbol',
      message: /expected a USDT-quoted symbol such as "ASTERUSDT", got "asterusdc"/,
    },
    {
      name: 'leverage 7',
      text: variant({ position_leverage: 7 }),
      field: 'position_leverage',
      message: /position_leverage: expected an integer 1, 2 or 3 \(or null\), got 7/,
    },
    {
      name: 'fractional counter',
      text: variant({ total_positions_opened: 9.5 }),
      field: 'total_positions_opened',
      message: /expected an integer ≥ 0, got 9\.5/,
    },
    {
      name: 'boolean counter',
      text: variant({ cycle_count: true }),
      field: 'cycle_count',
      message: /expected an integer ≥ 0, got true/,
    },
    {
      name: 'baseline value without its timestamp',
      text: variant({ initial_portfolio_timestamp: null }),
      field: 'initial_portfolio_timestamp',
      message: /expected a value because initial_portfolio_value_usdt is set, got null/,
    },
    {
      name: 'non-positive baseline',
      text: variant({ initial_portfolio_value_usdt: 0 }),
      field: 'initial_portfolio_value_usdt',
      message: /expected a number > 0, got 0/,
    },
    {
      name: 'position is a list',
      text: variant({ current_position: ['ASTERUSDT'] }),
      field: 'current_position',
      message: /current_position: expected an object, got an array/,
    },
    {
      name: 'duplicate key',
      text: TEXT.replace('"cycle_count": 3,', '"cycle_count": 3,\n  "cycle_count": 4,'),
      field: '(file)',
      message: /duplicate key "cycle_count"/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const e = errorOf(c.text);
      expect(e.source).toBe('volume_farming_state.json');
      expect(e.field).toBe(c.field);
      expect(e.message).toMatch(c.message);
      expect(e.message.startsWith(`volume_farming_state.json: ${c.field}: `)).toBe(true);
    });
  }

  it('a missing file names its path', () => {
    expect(() => readSeedStateFile('/nonexistent/volume_farming_state.json')).toThrow(
      'state file /nonexistent/volume_farming_state.json does not exist',
    );
  });
});

describe('ISO timestamps', () => {
  it('naive means UTC; offsets are honoured; microseconds are truncated to milliseconds', () => {
    expect(parseIsoUtc('2025-10-14T09:12:33')).toBe(Date.UTC(2025, 9, 14, 9, 12, 33));
    expect(parseIsoUtc('2025-10-14 09:12:33.999999')).toBe(Date.UTC(2025, 9, 14, 9, 12, 33, 999));
    expect(parseIsoUtc('2025-10-14T09:12:33+02:00')).toBe(Date.UTC(2025, 9, 14, 7, 12, 33));
    expect(parseIsoUtc('2025-10-14T09:12:33.5Z')).toBe(Date.UTC(2025, 9, 14, 9, 12, 33, 500));
    expect(parseIsoUtc('2024-02-29T00:00:00')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of [
      '2025-02-29T00:00:00',
      '2025-10-14',
      'yesterday',
      '2025-10-14T24:00:00',
      '2025-10-14T09:12:33+25:00',
    ]) {
      expect(parseIsoUtc(bad)).toBeNull();
    }
  });
});

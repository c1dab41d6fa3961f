/**
 * The original bot's state file, `volume_farming_state.json`, read strictly.
 *
 * The original bot treated an unreadable file as a fresh start and silently lost its baseline and
 * counters (W-27), and dropped fields that failed to cast. Here every key it always writes is required,
 * every value is checked, and the first problem is reported with the key's path and the value found.
 * Timestamps without an offset are UTC: the bot wrote them with `datetime.utcnow().isoformat()`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Decimal } from '../domain/decimal.ts';
import { DnfarmError, InvalidDataError } from '../errors.ts';
import { type JsonNode, JsonSyntaxError, parseJsonText, showJson } from './seed-json.ts';

export const SEED_STATE_FILE = 'volume_farming_state.json';

export interface SeedPosition {
  /** USDT-quoted symbol, the same on spot and perp (e.g. ASTERUSDT). */
  symbol: string;
  /** The bot's `capital`: intended notional at open, a later mark value, or 2× notional for positions it adopted. */
  capitalUsdt: Decimal;
  /** Per-interval funding rate at open (MA or instantaneous). */
  fundingRate: Decimal;
  effectiveAprPct: Decimal;
  spotQty: Decimal;
  perpQty: Decimal;
  /** Spot bid at open (or the perp entry price for adopted positions); 0 when never recorded. */
  entryPrice: Decimal;
}

export interface SeedState {
  currentPosition: SeedPosition | null;
  positionOpenedAtMs: number | null;
  positionLeverage: 1 | 2 | 3 | null;
  totalFundingReceivedUsdt: Decimal;
  entryFeesPaidUsdt: Decimal;
  cycleCount: number;
  totalProfitLossUsdt: Decimal;
  totalPositionsOpened: number;
  totalPositionsClosed: number;
  initialPortfolioValueUsdt: Decimal | null;
  initialPortfolioTimeMs: number | null;
  lastUpdatedMs: number;
  /** Things worth telling the operator that do not make the file unusable. */
  warnings: string[];
}

const TOP_KEYS = [
  'current_position',
  'position_opened_at',
  'position_leverage',
  'total_funding_received',
  'entry_fees_paid',
  'cycle_count',
  'total_profit_loss',
  'total_positions_opened',
  'total_positions_closed',
  'initial_portfolio_value_usdt',
  'initial_portfolio_timestamp',
  'last_updated',
] as const;

const POSITION_KEYS = [
  'symbol',
  'capital',
  'funding_rate',
  'effective_apr',
  'spot_qty',
  'perp_qty',
  'entry_price',
] as const;

type Sign = 'any' | 'nonneg' | 'positive';
const SIGN_TEXT: Readonly<Record<Sign, string>> = { any: 'a number', nonneg: 'a number ≥ 0', positive: 'a number > 0' };

class Reader {
  constructor(readonly source: string) {}

  fail(field: string, message: string, value?: unknown): never {
    throw new InvalidDataError(this.source, field, message, { value });
  }

  expectedGot(field: string, expected: string, node: JsonNode): never {
    this.fail(field, `expected ${expected}, got ${showJson(node)}`, showJson(node));
  }

  object(node: JsonNode, field: string, keys: readonly string[]): Map<string, JsonNode> {
    if (node.kind !== 'object') this.expectedGot(field, 'an object', node);
    for (const key of keys) {
      if (!node.entries.has(key)) {
        const path = field === '(root)' ? key : `${field}.${key}`;
        this.fail(path, 'missing (the original bot always writes this key; the file is incomplete or not its state)');
      }
    }
    return node.entries;
  }

  decimal(node: JsonNode, field: string, sign: Sign): Decimal {
    if (node.kind === 'nonfinite') this.expectedGot(field, `a finite number (${SIGN_TEXT[sign]})`, node);
    if (node.kind !== 'number') this.expectedGot(field, SIGN_TEXT[sign], node);
    const d = new Decimal(node.text);
    if ((sign === 'nonneg' && d.isNegative() && !d.isZero()) || (sign === 'positive' && !d.greaterThan(0))) {
      this.expectedGot(field, SIGN_TEXT[sign], node);
    }
    return d;
  }

  decimalOrNull(node: JsonNode, field: string, sign: Sign): Decimal | null {
    return node.kind === 'null' ? null : this.decimal(node, field, sign);
  }

  count(node: JsonNode, field: string): number {
    const expected = 'an integer ≥ 0';
    if (node.kind !== 'number') this.expectedGot(field, expected, node);
    const d = new Decimal(node.text);
    if (!d.isInteger() || d.isNegative() || d.greaterThan(Number.MAX_SAFE_INTEGER)) {
      this.expectedGot(field, expected, node);
    }
    return d.toNumber();
  }

  leverage(node: JsonNode, field: string): 1 | 2 | 3 | null {
    if (node.kind === 'null') return null;
    const expected = 'an integer 1, 2 or 3 (or null)';
    if (node.kind !== 'number') this.expectedGot(field, expected, node);
    const d = new Decimal(node.text);
    if (!d.isInteger() || d.lessThan(1) || d.greaterThan(3)) this.expectedGot(field, expected, node);
    return d.toNumber() as 1 | 2 | 3;
  }

  symbol(node: JsonNode, field: string): string {
    const expected = 'a USDT-quoted symbol such as "ASTERUSDT"';
    if (node.kind !== 'string') this.expectedGot(field, expected, node);
    if (!/^[A-Z0-9]{1,24}USDT$/.test(node.value)) this.expectedGot(field, expected, node);
    return node.value;
  }

  timestamp(node: JsonNode, field: string): number {
    const expected = 'an ISO-8601 timestamp such as "2025-10-14T09:12:33.514820"';
    if (node.kind !== 'string') this.expectedGot(field, expected, node);
    const ms = parseIsoUtc(node.value);
    if (ms === null) this.expectedGot(field, expected, node);
    return ms;
  }

  timestampOrNull(node: JsonNode, field: string): number | null {
    return node.kind === 'null' ? null : this.timestamp(node, field);
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Milliseconds since the epoch for Python's `isoformat()` output (naive = UTC, or with an offset),
 * or null when it is not a real date and time. Sub-millisecond digits are truncated.
 */
export function parseIsoUtc(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  return utc.getTime() - offsetMin * 60_000;
}

/** Parses and validates the state file's text; throws InvalidDataError naming the field and the value. */
export function parseSeedState(text: string, source: string = SEED_STATE_FILE): SeedState {
  const r = new Reader(source);
  if (text.trim() === '') {
    r.fail('(file)', 'the file is empty; an empty state file is an error, not a fresh start (nothing was imported)');
  }
  let root: JsonNode;
  try {
    root = parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) r.fail('(file)', `not valid JSON: ${error.message}`);
    throw error;
  }
  const top = r.object(root, '(root)', TOP_KEYS);
  const get = (key: string): JsonNode => top.get(key) as JsonNode;
  const warnings: string[] = [];
  for (const key of top.keys()) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) warnings.push(`unknown key "${key}" ignored`);
  }

  let currentPosition: SeedPosition | null = null;
  const posNode = get('current_position');
  if (posNode.kind !== 'null') {
    const f = 'current_position';
    const p = r.object(posNode, f, POSITION_KEYS);
    const at = (key: string): JsonNode => p.get(key) as JsonNode;
    currentPosition = {
      symbol: r.symbol(at('symbol'), `${f}.symbol`),
      capitalUsdt: r.decimal(at('capital'), `${f}.capital`, 'nonneg'),
      fundingRate: r.decimal(at('funding_rate'), `${f}.funding_rate`, 'any'),
      effectiveAprPct: r.decimal(at('effective_apr'), `${f}.effective_apr`, 'any'),
      spotQty: r.decimal(at('spot_qty'), `${f}.spot_qty`, 'nonneg'),
      perpQty: r.decimal(at('perp_qty'), `${f}.perp_qty`, 'positive'),
      entryPrice: r.decimal(at('entry_price'), `${f}.entry_price`, 'nonneg'),
    };
    for (const key of p.keys()) {
      if (!(POSITION_KEYS as readonly string[]).includes(key)) warnings.push(`unknown key "${f}.${key}" ignored`);
    }
  }

  const state: SeedState = {
    currentPosition,
    positionOpenedAtMs: r.timestampOrNull(get('position_opened_at'), 'position_opened_at'),
    positionLeverage: r.leverage(get('position_leverage'), 'position_leverage'),
    totalFundingReceivedUsdt: r.decimal(get('total_funding_received'), 'total_funding_received', 'any'),
    entryFeesPaidUsdt: r.decimal(get('entry_fees_paid'), 'entry_fees_paid', 'nonneg'),
    cycleCount: r.count(get('cycle_count'), 'cycle_count'),
    totalProfitLossUsdt: r.decimal(get('total_profit_loss'), 'total_profit_loss', 'any'),
    totalPositionsOpened: r.count(get('total_positions_opened'), 'total_positions_opened'),
    totalPositionsClosed: r.count(get('total_positions_closed'), 'total_positions_closed'),
    initialPortfolioValueUsdt: r.decimalOrNull(
      get('initial_portfolio_value_usdt'),
      'initial_portfolio_value_usdt',
      'positive',
    ),
    initialPortfolioTimeMs: r.timestampOrNull(get('initial_portfolio_timestamp'), 'initial_portfolio_timestamp'),
    lastUpdatedMs: r.timestamp(get('last_updated'), 'last_updated'),
    warnings,
  };

  if ((state.initialPortfolioValueUsdt === null) !== (state.initialPortfolioTimeMs === null)) {
    const missing =
      state.initialPortfolioTimeMs === null ? 'initial_portfolio_timestamp' : 'initial_portfolio_value_usdt';
    const other =
      missing === 'initial_portfolio_timestamp' ? 'initial_portfolio_value_usdt' : 'initial_portfolio_timestamp';
    r.fail(missing, `expected a value because ${other} is set, got null`, null);
  }
  if (currentPosition && state.positionOpenedAtMs === null) {
    warnings.push('position_opened_at is null: the open time is unknown and is set to the import time (an estimate)');
  }
  if (currentPosition && state.positionLeverage === null) {
    warnings.push('position_leverage is null: 1 is assumed (states written before leverage support were 1× only)');
  }
  if (!currentPosition && state.positionOpenedAtMs !== null) {
    warnings.push('position_opened_at is set but current_position is null: ignored');
  }
  return state;
}

/** Reads and validates a state file. A missing or unreadable file is an error naming the path. */
export function readSeedStateFile(path: string): SeedState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new DnfarmError(
      code === 'ENOENT'
        ? `state file ${path} does not exist`
        : `cannot read state file ${path}: ${(error as Error).message}`,
      { kind: 'fatal', cause: error },
    );
  }
  return parseSeedState(text, basename(path));
}

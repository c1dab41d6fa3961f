/**
 * `GET /fapi/{v1,v3}/exchangeInfo` and `GET /api/{v1,v3}/exchangeInfo`: markets, their filters and the rate limits.
 *
 * Spot and futures share the outer shape but differ in details that matter:
 * - futures `MIN_NOTIONAL` carries `notional` (the docs; some clients also see `minNotional`), spot `MIN_NOTIONAL`
 *   carries `minNotional`, and spot adds `NOTIONAL {minNotional, maxNotional}` and `MAX_NOTIONAL {maxNotional}`;
 * - the futures order-type list is spelled `OrderType` in the docs and `orderTypes` in other captures;
 * - `MARKET_LOT_SIZE` may be absent, and then market orders follow `LOT_SIZE`.
 * Filter values are decimal strings; a zero bound disables that rule, a negative one is invalid.
 */
import { z } from 'zod';
import { type Decimal, maxDec, minDec, ZERO } from '../../../domain/decimal.ts';
import type { MarketInfo, MarketKind, SymbolFilters } from '../../../domain/market.ts';
import { invalidData, issuesToError, type PathSegment, parseWith } from './parse.ts';
import { field, integerField, nonEmptyStringField, textField, toDecimal, toNonEmptyString } from './primitives.ts';

export interface RateLimit {
  /** `REQUEST_WEIGHT` or `ORDERS`. */
  rateLimitType: string;
  interval: string;
  intervalNum: number;
  limit: number;
  /** `interval` × `intervalNum` in milliseconds. */
  windowMs: number;
}

/** A symbol left out because it is not trading and its row does not validate (it cannot be traded anyway). */
export interface SkippedSymbol {
  index: number;
  symbol: string;
  status: string;
  reason: string;
}

export interface ExchangeInfo {
  market: MarketKind;
  markets: MarketInfo[];
  /** Order types accepted per symbol (`OrderType` or `orderTypes`; empty when the row lists none). */
  orderTypes: ReadonlyMap<string, readonly string[]>;
  rateLimits: RateLimit[];
  skipped: SkippedSymbol[];
}

const INTERVAL_MS: Record<string, number> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

const rateLimitSchema = z
  .object({
    rateLimitType: nonEmptyStringField,
    interval: field((v) => {
      const name = toNonEmptyString(v);
      if (name.ok && INTERVAL_MS[name.value] === undefined) {
        return { ok: false, problem: `expected one of ${Object.keys(INTERVAL_MS).join(', ')}` } as const;
      }
      return name;
    }),
    intervalNum: integerField({ min: 1 }),
    limit: integerField({ min: 0 }),
  })
  .transform((r): RateLimit => ({ ...r, windowMs: (INTERVAL_MS[r.interval] ?? 0) * r.intervalNum }));

const bodySchema = z.object({
  rateLimits: z.array(rateLimitSchema).optional(),
  symbols: z.array(z.unknown()),
});

const filterSchema = z.looseObject({ filterType: nonEmptyStringField });
type RawFilter = z.output<typeof filterSchema>;

const symbolSchema = z
  .object({
    symbol: nonEmptyStringField,
    status: nonEmptyStringField,
    baseAsset: nonEmptyStringField,
    quoteAsset: nonEmptyStringField,
    contractType: textField.optional(),
    filters: z.array(filterSchema),
    OrderType: z.array(textField).optional(),
    orderTypes: z.array(textField).optional(),
  })
  .transform((row, ctx) => {
    const { filters, issues } = buildFilters(row.filters);
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.problem, path: issue.path });
    return filters ? { row, filters } : z.NEVER;
  });

interface FilterIssue {
  path: PathSegment[];
  problem: string;
}

/** The three numbers of PRICE_FILTER (tick, min, max price) or of LOT_SIZE / MARKET_LOT_SIZE (step, min, max qty). */
interface Bounds {
  step: Decimal;
  min: Decimal;
  max: Decimal;
}

class FilterReader {
  readonly issues: FilterIssue[] = [];

  decimal(filter: RawFilter, index: number, key: string): Decimal | undefined {
    const result = toDecimal(filter[key], 'nonNegative');
    if (result.ok) return result.value;
    this.issues.push({ path: ['filters', index, key], problem: result.problem });
    return undefined;
  }

  optionalDecimal(filter: RawFilter, index: number, key: string): Decimal | undefined {
    return filter[key] === undefined ? undefined : this.decimal(filter, index, key);
  }

  /** Reads step/min/max and checks that a positive maximum is not below the minimum (that would reject every order). */
  bounds(filter: RawFilter, index: number, keys: readonly [string, string, string]): Bounds | undefined {
    const [stepKey, minKey, maxKey] = keys;
    const step = this.decimal(filter, index, stepKey);
    const min = this.decimal(filter, index, minKey);
    const max = this.decimal(filter, index, maxKey);
    if (!step || !min || !max) return undefined;
    if (max.greaterThan(0) && min.greaterThan(max)) {
      this.issues.push({
        path: ['filters', index, minKey],
        problem: `${minKey} is above ${maxKey} (${max.toFixed()})`,
      });
      return undefined;
    }
    return { step, min, max };
  }
}

const PRICE_KEYS = ['tickSize', 'minPrice', 'maxPrice'] as const;
const QTY_KEYS = ['stepSize', 'minQty', 'maxQty'] as const;

/** Turns the filter list into `SymbolFilters`, or into the problems found, each with its path in the row. */
function buildFilters(filters: readonly RawFilter[]): { filters?: SymbolFilters; issues: FilterIssue[] } {
  const reader = new FilterReader();
  let price: Bounds | undefined;
  let lot: Bounds | undefined;
  let marketLot: Bounds | undefined;
  const seen = new Set<string>();
  const minNotionals: Decimal[] = [];
  const maxNotionals: Decimal[] = [];

  for (const [index, filter] of filters.entries()) {
    const type = filter.filterType;
    // A repeated filter type is ignored after its first occurrence, as on Binance-style venues.
    if (seen.has(type)) continue;
    seen.add(type);
    switch (type) {
      case 'PRICE_FILTER':
        price = reader.bounds(filter, index, PRICE_KEYS);
        break;
      case 'LOT_SIZE':
        lot = reader.bounds(filter, index, QTY_KEYS);
        break;
      case 'MARKET_LOT_SIZE':
        marketLot = reader.bounds(filter, index, QTY_KEYS);
        break;
      case 'MIN_NOTIONAL': {
        // Futures docs name the key `notional`, spot names it `minNotional`; accept either.
        if (filter['notional'] === undefined && filter['minNotional'] === undefined) {
          reader.issues.push({
            path: ['filters', index],
            problem: 'MIN_NOTIONAL has neither notional nor minNotional',
          });
          break;
        }
        const key = filter['notional'] !== undefined ? 'notional' : 'minNotional';
        const value = reader.decimal(filter, index, key);
        if (value) minNotionals.push(value);
        break;
      }
      case 'NOTIONAL': {
        const min = reader.optionalDecimal(filter, index, 'minNotional');
        const max = reader.optionalDecimal(filter, index, 'maxNotional');
        if (min) minNotionals.push(min);
        if (max) maxNotionals.push(max);
        break;
      }
      case 'MAX_NOTIONAL': {
        const value = reader.decimal(filter, index, 'maxNotional');
        if (value) maxNotionals.push(value);
        break;
      }
      default:
        // PERCENT_PRICE, MAX_NUM_ORDERS, ... do not constrain the market orders this bot sends.
        break;
    }
  }

  const { issues } = reader;
  if (!seen.has('PRICE_FILTER')) issues.push({ path: ['filters'], problem: 'no PRICE_FILTER filter' });
  if (!seen.has('LOT_SIZE')) issues.push({ path: ['filters'], problem: 'no LOT_SIZE filter' });
  if (issues.length > 0 || !price || !lot) return { issues };

  // Several notional filters may apply at once (spot MIN_NOTIONAL and NOTIONAL): the strictest bound wins.
  const minNotional = minNotionals.reduce(maxDec, ZERO);
  const positiveMax = maxNotionals.filter((d) => d.greaterThan(0));
  const maxNotional = positiveMax.length === 0 ? ZERO : positiveMax.reduce(minDec);
  if (maxNotional.greaterThan(0) && minNotional.greaterThan(maxNotional)) {
    issues.push({ path: ['filters'], problem: `minimum notional ${minNotional.toFixed()} is above the maximum` });
    return { issues };
  }
  const market = marketLot ?? lot;
  return {
    issues,
    filters: {
      tickSize: price.step,
      minPrice: price.min,
      maxPrice: price.max,
      stepSize: lot.step,
      minQty: lot.min,
      maxQty: lot.max,
      marketStepSize: market.step,
      marketMinQty: market.min,
      marketMaxQty: market.max,
      minNotional,
      maxNotional,
    },
  };
}

function isNonTradingRow(row: unknown): row is { status: string; symbol?: unknown } {
  if (row === null || typeof row !== 'object') return false;
  const status = (row as Record<string, unknown>)['status'];
  return typeof status === 'string' && status !== 'TRADING';
}

/**
 * Parses an exchangeInfo body of either market. A row that fails validation is an error when the symbol is
 * `TRADING`; a non-trading row that fails is reported in `skipped` instead, so one half-configured delisted
 * contract does not stop the bot from reading every other market.
 */
export function parseExchangeInfo(body: unknown, market: MarketKind, source = `${market} exchangeInfo`): ExchangeInfo {
  const top = parseWith(bodySchema, body, source);
  const markets: MarketInfo[] = [];
  const orderTypes = new Map<string, readonly string[]>();
  const skipped: SkippedSymbol[] = [];
  top.symbols.forEach((raw, index) => {
    const result = symbolSchema.safeParse(raw);
    if (!result.success) {
      const error = issuesToError(source, result.error.issues, raw, { prefix: ['symbols', index], root: body });
      if (isNonTradingRow(raw)) {
        const symbol = typeof raw.symbol === 'string' ? raw.symbol : '';
        skipped.push({ index, symbol, status: raw.status, reason: error.message });
        return;
      }
      throw error;
    }
    const { row, filters } = result.data;
    if (orderTypes.has(row.symbol)) {
      throw invalidData(source, ['symbols', index, 'symbol'], 'duplicate symbol', row.symbol);
    }
    const info: MarketInfo = {
      market,
      symbol: row.symbol,
      baseAsset: row.baseAsset,
      quoteAsset: row.quoteAsset,
      status: row.status,
      filters,
    };
    if (market === 'perp' && row.contractType !== undefined) info.contractType = row.contractType;
    markets.push(info);
    orderTypes.set(row.symbol, row.OrderType ?? row.orderTypes ?? []);
  });
  return { market, markets, orderTypes, rateLimits: top.rateLimits ?? [], skipped };
}

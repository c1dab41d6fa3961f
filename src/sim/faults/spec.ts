/**
 * The compact fault specification accepted by `dnfarm sim --faults` and `POST /_sim/faults`.
 *
 * Comma-separated `name=value` items; repeat a name to add several rules of that kind:
 *
 *   latency=50            add 50 ms (wall clock) before every response
 *   jitter=10             plus a uniform 0..10 ms
 *   error5xx=0.05[:T]     answer 500 {-1001} before executing, with probability 0.05, on requests matching T
 *   after503=1[:T]        EXECUTE the request, then answer 503 {-1007} (outcome unknown to the client)
 *   hang=1[:T]            never answer and do not execute (the client must time out)
 *   hang-after=1[:T]      execute, then never answer
 *   burst429=3[:T]        the next 3 matching requests get 429 {-1003} with Retry-After
 *   partial=0.5[:T]       a matching MARKET order fills only part of its quantity (20–80 %), the rest expires
 *   reject-next=spot|perp[:CODE]   the next new order on that market is rejected (default -2018 spot, -2019 perp)
 *   ws-drop=30s           close every WebSocket connection each 30 s of simulator time (ms, s, m, h suffixes)
 *   skew=2000             the server clock runs 2000 ms ahead of the simulator clock (negative: behind)
 *
 * Probabilities may carry a cap on how many times the rule fires: `after503=1:order*1` fires once.
 * Targets T: `any` (default), `order` (new orders, both markets), `spot-order`, `perp-order`, `cancel`, `transfer`,
 * `signed`, `public`, or a path prefix such as `/fapi/v3/order` (`METHOD /path` restricts the method too).
 */
import { ConfigError } from '../../errors.ts';

export type FaultTarget =
  | { kind: 'any' | 'order' | 'spot-order' | 'perp-order' | 'cancel' | 'transfer' | 'signed' | 'public' }
  | { kind: 'path'; prefix: string; method?: string };

export interface ProbabilisticRule {
  probability: number;
  target: FaultTarget;
  /** How many more times the rule may fire; undefined = unlimited. */
  remaining?: number;
}

export interface CountRule {
  count: number;
  target: FaultTarget;
}

export interface RejectRule {
  market: 'spot' | 'perp';
  code: number;
}

export interface FaultConfig {
  latencyMs: number;
  jitterMs: number;
  error5xx: ProbabilisticRule[];
  after503: ProbabilisticRule[];
  hang: ProbabilisticRule[];
  hangAfter: ProbabilisticRule[];
  burst429: CountRule[];
  partial: ProbabilisticRule[];
  rejectNext: RejectRule[];
  /** Period of forced WebSocket disconnects in simulator ms; 0 = none. */
  wsDropEveryMs: number;
  skewMs: number;
}

export function emptyFaultConfig(): FaultConfig {
  return {
    latencyMs: 0,
    jitterMs: 0,
    error5xx: [],
    after503: [],
    hang: [],
    hangAfter: [],
    burst429: [],
    partial: [],
    rejectNext: [],
    wsDropEveryMs: 0,
    skewMs: 0,
  };
}

const FIELD = 'faults';
const NAMED_TARGETS = new Set(['any', 'order', 'spot-order', 'perp-order', 'cancel', 'transfer', 'signed', 'public']);

function fail(item: string, why: string): never {
  throw new ConfigError(FIELD, `${why} in "${item}"`, { value: item });
}

function parseTarget(text: string | undefined, item: string): FaultTarget {
  if (text === undefined || text === '') return { kind: 'any' };
  if (NAMED_TARGETS.has(text)) return { kind: text as 'any' };
  const spaced = /^(GET|POST|PUT|DELETE)\s+(\/\S*)$/.exec(text);
  if (spaced) return { kind: 'path', method: spaced[1] as string, prefix: spaced[2] as string };
  if (text.startsWith('/')) return { kind: 'path', prefix: text };
  return fail(
    item,
    `unknown target "${text}" (use any, order, spot-order, perp-order, cancel, transfer, signed, public or a /path)`,
  );
}

function parseNumber(text: string, item: string, what: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(text)) fail(item, `${what} must be a number, got "${text}"`);
  return Number(text);
}

/** `30s`, `1500ms`, `2m`, `1h`, or a bare number of ms. */
export function parseDurationMs(text: string, item: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) return fail(item, `bad duration "${text}" (e.g. 30s, 1500ms, 2m)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(value * factor);
}

function parseProbabilistic(value: string, item: string): ProbabilisticRule {
  const [head, cap] = value.split('*', 2) as [string, string | undefined];
  const colon = head.indexOf(':');
  const probText = colon < 0 ? head : head.slice(0, colon);
  const targetText = colon < 0 ? undefined : head.slice(colon + 1);
  const probability = parseNumber(probText, item, 'probability');
  if (probability < 0 || probability > 1) fail(item, `probability must be within 0..1, got ${probability}`);
  const rule: ProbabilisticRule = { probability, target: parseTarget(targetText, item) };
  if (cap !== undefined) {
    if (!/^\d+$/.test(cap)) fail(item, `the *N cap must be a whole number, got "${cap}"`);
    rule.remaining = Number(cap);
  }
  return rule;
}

export function parseFaultSpec(spec: string): FaultConfig {
  const config = emptyFaultConfig();
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none') return config;
  for (const rawItem of trimmed.split(',')) {
    const item = rawItem.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) fail(item, 'expected name=value');
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    switch (name) {
      case 'latency':
        config.latencyMs = nonNegative(parseDurationMs(value, item), item);
        break;
      case 'jitter':
        config.jitterMs = nonNegative(parseDurationMs(value, item), item);
        break;
      case 'error5xx':
        config.error5xx.push(parseProbabilistic(value, item));
        break;
      case 'after503':
        config.after503.push(parseProbabilistic(value, item));
        break;
      case 'hang':
        config.hang.push(parseProbabilistic(value, item));
        break;
      case 'hang-after':
        config.hangAfter.push(parseProbabilistic(value, item));
        break;
      case 'partial':
        config.partial.push(parseProbabilistic(value, item));
        break;
      case 'burst429': {
        const [countText, targetText] = value.split(':', 2) as [string, string | undefined];
        if (!/^\d+$/.test(countText)) fail(item, `burst429 needs a whole count, got "${countText}"`);
        config.burst429.push({ count: Number(countText), target: parseTarget(targetText, item) });
        break;
      }
      case 'reject-next': {
        const [market, codeText] = value.split(':', 2) as [string, string | undefined];
        if (market !== 'spot' && market !== 'perp') fail(item, `reject-next takes spot or perp, got "${market}"`);
        let code = market === 'spot' ? -2018 : -2019;
        if (codeText !== undefined) {
          if (!/^-\d+$/.test(codeText)) fail(item, `reject code must be negative, like -2010, got "${codeText}"`);
          code = Number(codeText);
        }
        config.rejectNext.push({ market, code });
        break;
      }
      case 'ws-drop':
        config.wsDropEveryMs = nonNegative(parseDurationMs(value, item), item);
        break;
      case 'skew':
        config.skewMs = Math.round(parseNumber(value.replace(/ms$/, ''), item, 'skew'));
        break;
      default:
        fail(item, `unknown fault "${name}"`);
    }
  }
  return config;
}

function nonNegative(value: number, item: string): number {
  if (value < 0) fail(item, 'must not be negative');
  return value;
}

function describeTarget(target: FaultTarget): string {
  if (target.kind !== 'path') return target.kind;
  return target.method ? `${target.method} ${target.prefix}` : target.prefix;
}

function describeRule(name: string, rule: ProbabilisticRule): string {
  const cap = rule.remaining === undefined ? '' : `*${rule.remaining}`;
  return `${name}=${rule.probability}:${describeTarget(rule.target)}${cap}`;
}

/** The spec string that reproduces `config` (remaining caps included), for logs and `/_sim/state`. */
export function formatFaultSpec(config: FaultConfig): string {
  const parts: string[] = [];
  if (config.latencyMs) parts.push(`latency=${config.latencyMs}`);
  if (config.jitterMs) parts.push(`jitter=${config.jitterMs}`);
  for (const r of config.error5xx) parts.push(describeRule('error5xx', r));
  for (const r of config.after503) parts.push(describeRule('after503', r));
  for (const r of config.hang) parts.push(describeRule('hang', r));
  for (const r of config.hangAfter) parts.push(describeRule('hang-after', r));
  for (const r of config.partial) parts.push(describeRule('partial', r));
  for (const r of config.burst429) if (r.count > 0) parts.push(`burst429=${r.count}:${describeTarget(r.target)}`);
  for (const r of config.rejectNext) parts.push(`reject-next=${r.market}:${r.code}`);
  if (config.wsDropEveryMs) parts.push(`ws-drop=${config.wsDropEveryMs}ms`);
  if (config.skewMs) parts.push(`skew=${config.skewMs}`);
  return parts.length === 0 ? 'none' : parts.join(',');
}

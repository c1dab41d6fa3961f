/**
 * Decides, request by request, which configured fault hits it. Decisions come from a PRNG seeded with the
 * simulator's seed and are drawn in request-arrival order, so the same seed and the same request sequence give the
 * same faults.
 */
import {
  emptyFaultConfig,
  type FaultConfig,
  type FaultTarget,
  formatFaultSpec,
  type ProbabilisticRule,
} from './spec.ts';

/** What the HTTP layer knows about a request when it consults the injector. */
export interface RequestFacts {
  method: string;
  path: string;
  market: 'spot' | 'perp';
  signed: boolean;
  /** `order` = a new order; `cancel` = an order or all-orders cancel; `transfer` = a wallet transfer. */
  action: 'order' | 'cancel' | 'transfer' | 'other';
}

export interface RequestFaults {
  burst429: boolean;
  error5xx: boolean;
  hang: boolean;
  hangAfter: boolean;
  after503: boolean;
  /** Fraction (0.2–0.8) of a market order's quantity to fill; undefined = fill normally. */
  partialFraction?: number;
  /** Reject this new order with this code. */
  rejectCode?: number;
}

/** Small, fast, seedable 32-bit generator (mulberry32): good enough to pick faults, reproducible everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function targetMatches(target: FaultTarget, facts: RequestFacts): boolean {
  switch (target.kind) {
    case 'any':
      return true;
    case 'order':
      return facts.action === 'order';
    case 'spot-order':
      return facts.action === 'order' && facts.market === 'spot';
    case 'perp-order':
      return facts.action === 'order' && facts.market === 'perp';
    case 'cancel':
      return facts.action === 'cancel';
    case 'transfer':
      return facts.action === 'transfer';
    case 'signed':
      return facts.signed;
    case 'public':
      return !facts.signed;
    case 'path':
      return facts.path.startsWith(target.prefix) && (target.method === undefined || target.method === facts.method);
  }
}

export class FaultInjector {
  private current: FaultConfig;
  private readonly random: () => number;

  constructor(seed: number, config: FaultConfig = emptyFaultConfig()) {
    this.random = seededRandom(seed ^ 0x5eed_fa17);
    this.current = structuredClone(config);
  }

  get config(): Readonly<FaultConfig> {
    return this.current;
  }

  /** Replaces every fault with `config`. */
  set(config: FaultConfig): void {
    this.current = structuredClone(config);
  }

  clear(): void {
    this.current = emptyFaultConfig();
  }

  describe(): string {
    return formatFaultSpec(this.current);
  }

  get skewMs(): number {
    return this.current.skewMs;
  }

  get wsDropEveryMs(): number {
    return this.current.wsDropEveryMs;
  }

  /** Wall-clock delay to add before answering. */
  latencyMs(): number {
    const { latencyMs, jitterMs } = this.current;
    return jitterMs > 0 ? latencyMs + this.random() * jitterMs : latencyMs;
  }

  decide(facts: RequestFacts): RequestFaults {
    const faults: RequestFaults = {
      burst429: this.takeBurst(facts),
      error5xx: false,
      hang: false,
      hangAfter: false,
      after503: false,
    };
    if (faults.burst429) return faults;
    faults.hang = this.fires(this.current.hang, facts);
    if (faults.hang) return faults;
    faults.error5xx = this.fires(this.current.error5xx, facts);
    if (faults.error5xx) return faults;
    if (facts.action === 'order') {
      const reject = this.current.rejectNext.findIndex((r) => r.market === facts.market);
      if (reject >= 0) {
        faults.rejectCode = (this.current.rejectNext[reject] as { code: number }).code;
        this.current.rejectNext.splice(reject, 1);
        return faults;
      }
      if (this.fires(this.current.partial, facts)) faults.partialFraction = 0.2 + this.random() * 0.6;
    }
    faults.after503 = this.fires(this.current.after503, facts);
    if (!faults.after503) faults.hangAfter = this.fires(this.current.hangAfter, facts);
    return faults;
  }

  private takeBurst(facts: RequestFacts): boolean {
    for (const rule of this.current.burst429) {
      if (rule.count > 0 && targetMatches(rule.target, facts)) {
        rule.count--;
        return true;
      }
    }
    return false;
  }

  private fires(rules: ProbabilisticRule[], facts: RequestFacts): boolean {
    for (const rule of rules) {
      if (rule.remaining === 0 || !targetMatches(rule.target, facts)) continue;
      const hit = rule.probability >= 1 || (rule.probability > 0 && this.random() < rule.probability);
      if (hit) {
        if (rule.remaining !== undefined) rule.remaining--;
        return true;
      }
    }
    return false;
  }
}

/**
 * The synthetic symbol universe, drawn once from the seed: which assets exist, on which markets, at what price and
 * volatility, with which funding interval, volume, spread and funding temperament. The shape mirrors a real perp DEX:
 * a few deep majors, a long tail of alts between 0.01 and 100, some 4 h (and one 1 h) funding intervals, some
 * symbols listed on only one market, and a few pairs whose books are wide or whose perp trades away from spot.
 */
import { Rng } from '../random.ts';

export interface InstrumentSpec {
  /** Position in the universe; keys every random process of this instrument. */
  index: number;
  baseAsset: string;
  quoteAsset: string;
  hasSpot: boolean;
  hasPerp: boolean;
  referencePrice: number;
  annualVolatility: number;
  fundingIntervalHours: number;
  /** Shifts the funding regime driver: positive means hot (high funding) more often, negative means negative spells. */
  fundingBias: number;
  /** Per-interval funding clamp (a fraction), or null for none. */
  fundingCap: number | null;
  perpQuoteVolume: number;
  spotQuoteVolume: number;
  /** Half the bid–ask spread as a fraction of mid. */
  halfSpread: number;
  /** Persistent perp-vs-spot price offset (a fraction); non-zero only for a few dislocated pairs. */
  basisOffset: number;
}

export interface UniverseOptions {
  seed: number;
  pairs: number;
  perpOnly: number;
  spotOnly: number;
}

const MAJORS = [
  { base: 'BTC', price: 100_000, vol: 0.5, perpVolume: 2.5e9, spotVolume: 3.5e8, halfSpread: 0.00003 },
  { base: 'ETH', price: 3_500, vol: 0.65, perpVolume: 1.2e9, spotVolume: 1.6e8, halfSpread: 0.00004 },
  { base: 'SOL', price: 150, vol: 0.8, perpVolume: 5.5e8, spotVolume: 9e7, halfSpread: 0.00006 },
  { base: 'BNB', price: 650, vol: 0.55, perpVolume: 3.2e8, spotVolume: 6e7, halfSpread: 0.00008 },
];

const ALT_NAMES = [
  'XRP',
  'DOGE',
  'ADA',
  'AVAX',
  'LINK',
  'DOT',
  'LTC',
  'TRX',
  'NEAR',
  'APT',
  'ARB',
  'OP',
  'SUI',
  'SEI',
  'TIA',
  'INJ',
  'ATOM',
  'FIL',
  'AAVE',
  'UNI',
  'LDO',
  'WIF',
  'FET',
  'TAO',
  'ENA',
  'ONDO',
  'JUP',
  'PYTH',
  'STX',
  'IMX',
  'HBAR',
  'ALGO',
  'XLM',
  'ETC',
  'BCH',
  'SAND',
  'MANA',
  'AXS',
  'GALA',
  'CRV',
  'DYDX',
  'GMX',
  'PENDLE',
  'ZORA',
  'ASTER',
  'TON',
  'KAS',
  'ORDI',
  'WLD',
  'STRK',
  'BLUR',
  'MEME',
  'NOT',
  'JTO',
  'ZRO',
  'EIGEN',
  'ETHFI',
  'W',
  'AEVO',
  'MAV',
];

export function drawUniverse(options: UniverseOptions): InstrumentSpec[] {
  const rng = new Rng(options.seed);
  const names = rng.shuffle([...ALT_NAMES]);
  let nameIndex = 0;
  const nextName = (): string => names[nameIndex++] ?? `ALT${nameIndex}`;
  const specs: InstrumentSpec[] = [];

  const pairCount = Math.max(0, options.pairs);
  for (let i = 0; i < pairCount; i++) {
    const major = MAJORS[i];
    if (major) {
      specs.push({
        index: specs.length,
        baseAsset: major.base,
        quoteAsset: 'USDT',
        hasSpot: true,
        hasPerp: true,
        referencePrice: major.price,
        annualVolatility: major.vol,
        fundingIntervalHours: 8,
        fundingBias: 0.1 + 0.2 * rng.next(),
        fundingCap: i < 2 ? null : 0.03,
        perpQuoteVolume: major.perpVolume,
        spotQuoteVolume: major.spotVolume,
        halfSpread: major.halfSpread,
        basisOffset: 0,
      });
    } else {
      specs.push(drawAlt(rng, specs.length, nextName(), true, true));
    }
  }
  for (let i = 0; i < options.perpOnly; i++) specs.push(drawAlt(rng, specs.length, nextName(), false, true));
  for (let i = 0; i < options.spotOnly; i++) specs.push(drawAlt(rng, specs.length, nextName(), true, false));

  // Some pairs are dislocated: a wide book and a perp that trades persistently away from spot.
  const alts = specs.filter((s) => s.hasSpot && s.hasPerp && s.index >= MAJORS.length);
  const wideCount = Math.min(3, Math.floor(alts.length / 4));
  for (const spec of rng.shuffle([...alts]).slice(0, wideCount)) {
    spec.halfSpread = rng.range(0.0015, 0.004);
    spec.basisOffset = (rng.chance(0.5) ? 1 : -1) * rng.range(0.002, 0.006);
  }
  // Every universe with alts carries at least one 4 h pair, as Aster does.
  if (alts.length > 0 && !alts.some((s) => s.fundingIntervalHours === 4)) {
    const spec = alts[alts.length - 1] as InstrumentSpec;
    spec.fundingIntervalHours = 4;
    spec.fundingCap = 0.02;
  }
  return specs;
}

function drawAlt(rng: Rng, index: number, base: string, hasSpot: boolean, hasPerp: boolean): InstrumentSpec {
  const roll = rng.next();
  const fundingIntervalHours = roll < 0.04 ? 1 : roll < 0.3 ? 4 : 8;
  const combinedVolume = rng.logRange(1.5e7, 1.2e9);
  const perpShare = rng.range(0.7, 0.9);
  return {
    index,
    baseAsset: base,
    quoteAsset: 'USDT',
    hasSpot,
    hasPerp,
    referencePrice: rng.logRange(0.01, 100),
    annualVolatility: rng.range(0.7, 1.3),
    fundingIntervalHours,
    fundingBias: rng.normal() * 0.45 + 0.15,
    fundingCap: fundingIntervalHours === 8 ? 0.03 : fundingIntervalHours === 4 ? 0.02 : 0.005,
    perpQuoteVolume: hasPerp ? combinedVolume * (hasSpot ? perpShare : 1) : 0,
    spotQuoteVolume: hasSpot ? combinedVolume * (hasPerp ? 1 - perpShare : 1) : 0,
    halfSpread: rng.range(0.0001, 0.0004),
    basisOffset: 0,
  };
}

/**
 * Pair discovery: which assets can be held long on spot and short on the perpetual at the same time.
 *
 * Pairs are matched on the base and quote ASSETS, not on the symbol string: a spot "XUSDT" and a perp
 * "XUSDT" can be different things (another quote, a 1000× contract), and a perp may be listed under a
 * name that differs from its spot market's.
 */
import type { MarketInfo, Pair } from '../domain/market.ts';

const TRADING = 'TRADING';
const PERPETUAL = 'PERPETUAL';

function assetKey(m: MarketInfo): string {
  return `${m.baseAsset.toUpperCase()}/${m.quoteAsset.toUpperCase()}`;
}

/** True for a perp the bot may short: open for trading and a perpetual (Aster may omit contractType). */
function isTradablePerp(m: MarketInfo): boolean {
  return m.status === TRADING && (m.contractType === undefined || m.contractType === PERPETUAL);
}

/**
 * Every perpetual whose base and quote assets also trade on spot, both markets `TRADING`, minus the
 * excluded symbols (matched against the perp and the spot symbol, case-insensitively). Sorted by perp
 * symbol so ties later resolve the same way every time. When two spot markets carry the same assets,
 * the one whose symbol equals the perp's is preferred, then the alphabetically first.
 */
export function discoverPairs(
  spotMarkets: readonly MarketInfo[],
  perpMarkets: readonly MarketInfo[],
  excludeSymbols: readonly string[] = [],
): Pair[] {
  const excluded = new Set(excludeSymbols.map((s) => s.toUpperCase()));
  const spotByAssets = new Map<string, MarketInfo[]>();
  for (const spot of spotMarkets) {
    if (spot.status !== TRADING) continue;
    const key = assetKey(spot);
    const list = spotByAssets.get(key);
    if (list) list.push(spot);
    else spotByAssets.set(key, [spot]);
  }

  const pairs: Pair[] = [];
  for (const perp of perpMarkets) {
    if (!isTradablePerp(perp)) continue;
    if (excluded.has(perp.symbol.toUpperCase())) continue;
    const candidates = spotByAssets.get(assetKey(perp));
    if (!candidates) continue;
    const spot =
      candidates.find((s) => s.symbol === perp.symbol) ??
      [...candidates].sort((a, b) => compareSymbols(a.symbol, b.symbol))[0];
    if (!spot || excluded.has(spot.symbol.toUpperCase())) continue;
    pairs.push({
      symbol: perp.symbol,
      spotSymbol: spot.symbol,
      baseAsset: perp.baseAsset,
      quoteAsset: perp.quoteAsset,
      spot,
      perp,
    });
  }
  return pairs.sort((a, b) => compareSymbols(a.symbol, b.symbol));
}

/** Plain code-point order, independent of the host's locale. */
export function compareSymbols(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Market sources for the simulator: the `MarketSource` contract and its implementations. The file loader
 * (`historical-file.ts`) is not re-exported here because it does I/O; import it directly where files are read.
 */

export { type HistoricalMarketOptions, HistoricalMarketSource, type HistoricalSymbolInput } from './historical.ts';
export {
  detectFundingCsvLayout,
  detectIntervalHours,
  type FundingCsvLayout,
  type HistoricalFundingRow,
  type HistoricalFundingSeries,
  type ParseFundingCsvOptions,
  parseFundingCsv,
} from './historical-csv.ts';
export { type ManualMarketOptions, ManualMarketSource, type ManualSymbol } from './manual.ts';
export { SyntheticMarketSource, type SyntheticOptions } from './synthetic.ts';
export type {
  BookLevel,
  DepthBook,
  FundingSettlement,
  MarketSource,
  MarketState,
  PerpQuote,
  SimMarketDef,
  SpotQuote,
} from './types.ts';
export type { InstrumentSpec } from './universe.ts';

/**
 * Paper mode's live side: the feed that keeps the simulator's market on live Aster data, and its link to the engine.
 */
export {
  DEFAULT_FEED_SETTINGS,
  type FeedListener,
  type FeedNotice,
  LiveFeed,
  type LiveFeedOptions,
  type LiveFeedSettings,
  type LiveMarketData,
  PaperFeedError,
} from './feed.ts';
export { type FeedNotices, linkFeedToEngine, noticeMessage, STALE_GATE_LABEL } from './link.ts';
export {
  applyBooksAndVolumes,
  applyMark,
  bookAroundTop,
  DEFAULT_FUNDING_INTERVAL_HOURS,
  delistedReason,
  type LiveMark,
  type LiveQuote,
  liveQuoteOf,
  manualSymbolOf,
  PAPER_COMMISSION,
  PAPER_DEPTH,
  type PaperPair,
  paperPairs,
  type SkippedListing,
  settlementBoundaryMs,
} from './mapping.ts';

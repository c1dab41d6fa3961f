/**
 * Aster response schemas: raw JSON (REST bodies and WebSocket payloads) in, validated domain values out.
 * Every parser throws `InvalidDataError` naming the endpoint, the field path and the received value.
 */
export * from './account.ts';
export * from './account-config.ts';
export * from './exchange-info.ts';
export * from './funding.ts';
export * from './income.ts';
export * from './json-text.ts';
export * from './listen-key.ts';
export * from './market-data.ts';
export * from './orders.ts';
export * from './parse.ts';
export * from './primitives.ts';
export * from './streams.ts';
export * from './transfer.ts';
export * from './user-stream.ts';
export * from './user-trades.ts';

/** Every schema step, in order. Append new ones; never edit or reorder a released one. */
import { migration001 } from './001-initial.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [migration001];

/** The schema version this build writes and understands. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

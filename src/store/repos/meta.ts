/** Free-form key/value settings: the store id, account-setup caches, the seed-import marker… */
import type { StoreContext } from '../context.ts';
import { StoreStateError } from '../errors.ts';

export class MetaRepo {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  get(key: string): string | null {
    const row = this.#ctx.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  set(key: string, value: string): void {
    this.#ctx.tx(() => {
      this.#ctx
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(key, value);
    });
  }

  delete(key: string): boolean {
    return this.#ctx.tx(() => this.#ctx.prepare('DELETE FROM meta WHERE key = ?').run(key).changes === 1);
  }

  getJson(key: string): unknown {
    const text = this.get(key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new StoreStateError(`meta "${key}": not valid JSON: ${text.slice(0, 80)}`);
    }
  }

  setJson(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new RangeError(`meta "${key}": value is not representable as JSON`);
    this.set(key, text);
  }
}

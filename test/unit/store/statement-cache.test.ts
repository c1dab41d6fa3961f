/** Repositories share one compiled statement per SQL text for the connection's lifetime. */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../../src/store/context.ts';

const open: Database.Database[] = [];

function context() {
  const db = new Database(':memory:');
  open.push(db);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  let compiled = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    compiled++;
    return prepare(sql);
  }) as typeof db.prepare;
  const ctx = createContext(db, ':memory:', false, Date.now, Date.now);
  return { ctx, compiled: () => compiled };
}

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('statement cache', () => {
  it('compiles each SQL text once, however often it runs', () => {
    const { ctx, compiled } = context();
    for (let i = 0; i < 500; i++) {
      ctx.tx(() => ctx.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(`k${i}`, i));
      expect((ctx.prepare('SELECT v FROM t WHERE k = ?').get(`k${i}`) as { v: number }).v).toBe(i);
    }
    expect(compiled()).toBe(2);
    expect(ctx.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 500 });
    expect(compiled()).toBe(3);
  });

  it('stays bounded when callers build SQL texts without end, and still answers', () => {
    const { ctx } = context();
    for (let i = 0; i < 2_000; i++) {
      expect(ctx.prepare(`SELECT ${i} AS n`).get()).toEqual({ n: i });
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { openExitChannel, openStore, StoreMissingError } from '../../../src/store/index.ts';
import { removeTempDirs, spawnChild, tempDataDir } from './helpers.ts';

afterEach(removeTempDirs);

describe('exit requests: `dnfarm exit` coordinates with a running bot', () => {
  it('round trip: request → the bot acknowledges, closes its position and completes → requester sees the result', async () => {
    const dir = tempDataDir();
    openStore(dir).close();
    const bot = spawnChild('exit-bot.ts', [dir]);
    try {
      await bot.waitForLine((l) => l.startsWith('ready'));
      const channel = openExitChannel(dir);
      try {
        const running = channel.botStatus();
        expect(running.held).toBe(true);
        expect(running.holder?.pid).toBe(bot.process.pid);
        expect(running.holder?.command).toBe('dnfarm run (exit-bot)');

        const request = channel.request({ reason: 'emergency exit', requestedBy: `dnfarm exit (pid ${process.pid})` });
        expect(request.status).toBe('pending');
        const acked = await channel.waitFor(request.id, {
          until: 'acknowledged',
          timeoutMs: 20_000,
          pollIntervalMs: 20,
        });
        expect(['acknowledged', 'completed']).toContain(acked.status);
        const done = await channel.waitFor(request.id, { until: 'finished', timeoutMs: 20_000, pollIntervalMs: 20 });
        expect(done.status).toBe('completed');
        expect(done.result).toMatch(/^closed position \d+, realised 0\.1$/);
        expect(done.acknowledgedAtMs).not.toBeNull();
        expect(done.finishedAtMs).not.toBeNull();
      } finally {
        channel.close();
      }
      expect(await bot.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (bot.process.exitCode === null) bot.process.kill('SIGKILL');
    }

    const after = openStore(dir, { readOnly: true });
    try {
      expect(after.positions.active()).toBeNull();
      expect(after.positions.list()[0]?.closeReason).toBe('exit request');
      expect(after.exitRequests.latest()?.status).toBe('completed');
    } finally {
      after.close();
    }
  });

  it('a request nobody acknowledges in time is cancelled, so no bot can act on it later', async () => {
    const dir = tempDataDir();
    openStore(dir).close();
    const channel = openExitChannel(dir);
    try {
      expect(channel.botStatus().held).toBe(false);
      const r = channel.request({ reason: 'exit', requestedBy: 'test' });
      const outcome = await channel.waitFor(r.id, { until: 'acknowledged', timeoutMs: 50, pollIntervalMs: 10 });
      expect(outcome.status).toBe('cancelled');
    } finally {
      channel.close();
    }
    const bot = openStore(dir);
    try {
      expect(bot.exitRequests.pending()).toBeNull();
    } finally {
      bot.close();
    }
  });

  it('an expired request is never handed to the bot', () => {
    const dir = tempDataDir();
    let wall = 1_000_000;
    const store = openStore(dir, { wallClock: () => wall });
    try {
      const old = store.exitRequests.request({ reason: 'exit', requestedBy: 'a killed requester', ttlMs: 1000 });
      wall += 1000;
      expect(store.exitRequests.pending()).toBeNull();
      expect(store.exitRequests.require(old.id).status).toBe('expired');
      expect(store.exitRequests.acknowledge(old.id)).toBe(false);

      const fresh = store.exitRequests.request({ reason: 'exit', requestedBy: 'b', ttlMs: 1000 });
      expect(store.exitRequests.pending()?.id).toBe(fresh.id);
      expect(store.exitRequests.acknowledge(fresh.id)).toBe(true);
      expect(store.exitRequests.pending()).toBeNull();
      expect(store.exitRequests.acknowledge(fresh.id)).toBe(false);
      expect(store.exitRequests.fail(fresh.id, 'close failed: spot leg rejected').status).toBe('failed');
      expect(() => store.exitRequests.complete(fresh.id, 'x')).toThrow(/is failed: only an acknowledged request/);
    } finally {
      store.close();
    }
  });

  it('a cancelled request cannot be acknowledged, and an acknowledged one cannot be cancelled', () => {
    const dir = tempDataDir();
    const store = openStore(dir);
    try {
      const a = store.exitRequests.request({ reason: 'exit', requestedBy: 'x' });
      expect(store.exitRequests.cancel(a.id)).toBe(true);
      expect(store.exitRequests.acknowledge(a.id)).toBe(false);
      const b = store.exitRequests.request({ reason: 'exit', requestedBy: 'y' });
      expect(store.exitRequests.acknowledge(b.id)).toBe(true);
      expect(store.exitRequests.cancel(b.id)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('the requester refuses a data dir without a store', () => {
    expect(() => openExitChannel(tempDataDir())).toThrow(StoreMissingError);
  });
});

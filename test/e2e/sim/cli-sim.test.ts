/**
 * `dnfarm sim` as a real process: the first stdout line is the JSON banner, the simulator answers signed requests
 * with the printed demo credentials, and SIGINT stops it cleanly (exit code 0). Bad options exit with code 2.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Hex } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from './support/client.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sim', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function firstLine(proc: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

function exitCode(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

describe('dnfarm sim', () => {
  it('prints the JSON banner first, serves signed requests, and stops cleanly on SIGINT', async () => {
    child = startCli(['--port', '0', '--seed', '7', '--pairs', '6', '--manual-clock']);
    const banner = JSON.parse(await firstLine(child));
    expect(banner.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.wsUrl).toBe(banner.url.replace('http', 'ws'));
    expect(banner.credentials.v3).toEqual({
      user: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
      signer: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
      privateKey: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(banner.credentials.v1.apiKey).toHaveLength(64);
    expect(banner.seed).toBe(7);
    expect(banner.manualClock).toBe(true);

    const client = new TestClient(banner.url, () => banner.startMs);
    const v3 = { ...banner.credentials.v3, privateKey: banner.credentials.v3.privateKey as Hex };
    const account = await client.v3(v3, 'GET', '/api/v3/account');
    expect(account.status).toBe(200);
    expect(account.body.balances).toEqual([{ asset: 'USDT', free: '10000.00000000', locked: '0.00000000' }]);
    const balance = await client.hmac(banner.credentials.v1, 'GET', '/fapi/v2/balance');
    expect(balance.status).toBe(200);

    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(0);
  });

  it('exits with code 2 and names the option on a bad value', async () => {
    child = startCli(['--port', 'eighty']);
    const stderr: string[] = [];
    child.stderr.on('data', (chunk) => stderr.push(String(chunk)));
    expect(await exitCode(child)).toBe(2);
    expect(stderr.join('')).toContain('--port');
  });

  it('exits with code 2 on a bad fault spec', async () => {
    child = startCli(['--faults', 'latency=fast']);
    const stderr: string[] = [];
    child.stderr.on('data', (chunk) => stderr.push(String(chunk)));
    expect(await exitCode(child)).toBe(2);
    expect(stderr.join('')).toContain('faults');
  });
});

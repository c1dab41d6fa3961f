import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { privateKeyToAccount } from 'viem/accounts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerConfigCommand } from '../../../src/cli/commands/config.ts';
import { type DnfarmConfig, defaultConfig } from '../../../src/config/index.ts';
import { ConfigError } from '../../../src/errors.ts';
import { cliBundle } from '../../support/cli-bundle.ts';

const KEY = `0x${'4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'}`;
const SIGNER = privateKeyToAccount(KEY as `0x${string}`).address;
const USER = '0x1111111111111111111111111111111111111111';

/** The `--json` document of `config check`, success or failure. */
interface CheckDocument {
  ok: boolean;
  source: { kind: string };
  env_file: string | null;
  config: DnfarmConfig;
  explicit_keys: string[];
  secrets: Record<string, string | null>;
  credentials: Record<string, unknown>;
  error: { field: string; issues: Array<{ field: string; message: string }> };
}

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dnfarm-config-check-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs `config check` in-process on a fresh program, capturing stdout. */
async function check(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ out: string; error: unknown }> {
  let out = '';
  const program = new Command().exitOverride();
  registerConfigCommand(program, { stdout: { write: (text: string) => (out += text) }, cwd: () => cwd, env });
  try {
    await program.parseAsync(['config', 'check', ...args], { from: 'user' });
    return { out, error: undefined };
  } catch (error) {
    return { out, error };
  }
}

describe('dnfarm config check (in-process)', () => {
  it('prints the source, every section, the credentials and "Config OK." for a default setup', async () => {
    const { out, error } = await check([]);
    expect(error).toBeUndefined();
    expect(out).toMatch(/^Config +built-in defaults/m);
    for (const section of ['capital_management', 'funding_rate_strategy', 'risk', 'exchange', 'simulator']) {
      expect(out).toContain(`\n${section}\n`);
    }
    expect(out).toMatch(/loop_interval_seconds +300/);
    expect(out).toMatch(/chain_id +1666/);
    expect(out).toMatch(/API_PRIVATE_KEY +\(not set\)/);
    expect(out).toMatch(/not needed in sim mode/);
    expect(out.trimEnd().endsWith('Config OK.')).toBe(true);
  });

  it('marks values set by the file and shows the defaults they replace, plus warnings', async () => {
    writeFileSync(
      join(cwd, 'dnfarm.config.json'),
      JSON.stringify({ leverage_settings: { leverage: 2 }, risk_management: { emergency_stop_loss_pct: -50 } }),
    );
    const { out, error } = await check([]);
    expect(error).toBeUndefined();
    expect(out).toContain(`${join(cwd, 'dnfarm.config.json')} (found in the working directory)`);
    expect(out).toMatch(/\* leverage +2 +\(default 1\)/);
    expect(out).toMatch(/! risk_management\.emergency_stop_loss_pct: -50 is obsolete and ignored/);
  });

  it('--json prints one document with the effective config, masked secrets and the source', async () => {
    writeFileSync(join(cwd, '.env'), `API_USER=${USER}\nAPI_SIGNER=${SIGNER}\nAPI_PRIVATE_KEY=${KEY}\n`);
    const { out, error } = await check(['--json', '--mode', 'live', '--futures-url', 'http://127.0.0.1:4000']);
    expect(error).toBeUndefined();
    const doc = JSON.parse(out) as CheckDocument;
    expect(doc.ok).toBe(true);
    expect(doc.source).toMatchObject({ kind: 'defaults' });
    expect(doc.env_file).toBe(join(cwd, '.env'));
    expect(doc.config.mode).toBe('live');
    expect(doc.config.exchange.futures_url).toBe('http://127.0.0.1:4000');
    expect(doc.config.exchange.futures_ws_url).toBe('ws://127.0.0.1:4000');
    expect(doc.config.position_management).toEqual(defaultConfig().position_management);
    expect(doc.explicit_keys).toEqual(['mode', 'exchange.futures_url']);
    expect(doc.secrets).toEqual({
      API_USER: USER,
      API_SIGNER: SIGNER,
      API_PRIVATE_KEY: '****…(66 chars)',
      APIV1_PUBLIC_KEY: null,
      APIV1_PRIVATE_KEY: null,
    });
    expect(doc.credentials).toEqual({ required: true, scheme: 'eip712', complete: true });
    expect(out).not.toContain(KEY.slice(2, 18));
  });

  it('never prints a private key in the human output either', async () => {
    writeFileSync(join(cwd, '.env'), `API_USER=${USER}\nAPI_SIGNER=${SIGNER}\nAPI_PRIVATE_KEY=${KEY}\n`);
    const { out } = await check(['--mode', 'live']);
    expect(out).toMatch(/API_PRIVATE_KEY +\*\*\*\*…\(66 chars\)/);
    expect(out).toMatch(/complete for signing "eip712"/);
    expect(out).not.toContain(KEY.slice(2, 18));
  });

  it('a bad config throws ConfigError; with --json the document says why', async () => {
    writeFileSync(join(cwd, 'dnfarm.config.json'), '{"position_management": {"min_funding_apr": 3}}');
    const human = await check([]);
    expect(human.error).toBeInstanceOf(ConfigError);
    expect(human.out).toBe('');

    const json = await check(['--json']);
    expect(json.error).toBeInstanceOf(ConfigError);
    const doc = JSON.parse(json.out) as CheckDocument;
    expect(doc.ok).toBe(false);
    expect(doc.error.field).toBe('position_management.min_funding_apr');
    expect(doc.error.issues).toEqual([
      {
        field: 'position_management.min_funding_apr',
        message: 'unknown key; did you mean funding_rate_strategy.min_funding_apr?',
      },
    ]);
  });

  it('live mode with missing credentials fails, naming them', async () => {
    const { error } = await check(['--mode', 'live']);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/API_USER, API_SIGNER, API_PRIVATE_KEY: are missing/);
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('dnfarm config check (as a process)', () => {
  it('exits 0 on the original bot’s config file and 2 with the key named on a bad one', async () => {
    writeFileSync(
      join(cwd, 'config_volume_farming_strategy.json'),
      JSON.stringify({ _comment: 'x', leverage_settings: { leverage: 3 } }),
    );
    const ok = await runCli(['config', 'check', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.stdout) as CheckDocument;
    expect(doc.source.kind).toBe('seed');
    expect(doc.config.leverage_settings.leverage).toBe(3);

    writeFileSync(join(cwd, 'dnfarm.config.json'), '{"leverage_settings": {"leverage": 4}}');
    const bad = await runCli(['config', 'check']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/leverage_settings\.leverage: expected an integer >= 1 and <= 3, received 4/);
  }, 120_000); // two cold starts of the CLI under a TypeScript loader; the bound only catches a hang
});

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateKeyToAccount } from 'viem/accounts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/cli/options.ts';
import { defaultConfig, loadConfig, loadSecrets, MissingCredentialsError } from '../../../src/config/index.ts';
import { configErrorOf, tempDir } from './helpers.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SEED_FIXTURE = resolve(root, 'test/fixtures/seed/config_volume_farming_strategy.json');
const KEY = `0x${'4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'}`;
const SIGNER = privateKeyToAccount(KEY as `0x${string}`).address;
const USER = '0x1111111111111111111111111111111111111111';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

function write(name: string, text: string): string {
  const path = join(dir.path, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('config file lookup', () => {
  it('with no file anywhere, every default applies and the source says so', () => {
    const loaded = loadConfig({ cwd: dir.path });
    expect(loaded.source).toEqual({ kind: 'defaults' });
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('finds the original bot’s file name in the working directory', () => {
    copyFileSync(SEED_FIXTURE, join(dir.path, 'config_volume_farming_strategy.json'));
    const loaded = loadConfig({ cwd: dir.path });
    expect(loaded.source).toEqual({ kind: 'seed', path: join(dir.path, 'config_volume_farming_strategy.json') });
    expect(loaded.config).toEqual(defaultConfig());
  });

  it('prefers dnfarm.config.json over the original bot’s file', () => {
    copyFileSync(SEED_FIXTURE, join(dir.path, 'config_volume_farming_strategy.json'));
    const own = write('dnfarm.config.json', '{"leverage_settings": {"leverage": 2}}');
    const loaded = loadConfig({ cwd: dir.path });
    expect(loaded.source).toEqual({ kind: 'dnfarm', path: own });
    expect(loaded.config.leverage_settings.leverage).toBe(2);
  });

  it('--config wins, relative to the working directory', () => {
    write('dnfarm.config.json', '{"mode": "paper"}');
    const chosen = write('conf/live.json', '{"mode": "live"}');
    const loaded = loadConfig({ cwd: dir.path, configPath: 'conf/live.json' });
    expect(loaded.source).toEqual({ kind: 'option', path: chosen });
    expect(loaded.config.mode).toBe('live');
  });

  it('a missing --config file is an error naming it (no fallback to other files or defaults)', () => {
    write('dnfarm.config.json', '{}');
    const error = configErrorOf(() => loadConfig({ cwd: dir.path, configPath: 'nope.json' }));
    expect(error.message).toContain(join(dir.path, 'nope.json'));
    expect(error.message).toMatch(/does not exist/);
  });

  it('a directory given as --config is an error', () => {
    mkdirSync(join(dir.path, 'adir'));
    expect(configErrorOf(() => loadConfig({ cwd: dir.path, configPath: 'adir' })).message).toMatch(/not a file/);
  });

  it('a bad dnfarm.config.json is an error even when a valid seed file sits next to it', () => {
    copyFileSync(SEED_FIXTURE, join(dir.path, 'config_volume_farming_strategy.json'));
    const own = write('dnfarm.config.json', '{"leverage_settings": {"leverage": 7}}');
    const error = configErrorOf(() => loadConfig({ cwd: dir.path }));
    expect(error.field).toBe('leverage_settings.leverage');
    expect(error.message).toContain(own);
  });

  it('an empty config file is an error naming the file', () => {
    const own = write('dnfarm.config.json', '\n');
    expect(configErrorOf(() => loadConfig({ cwd: dir.path })).message).toBe(
      `config file ${own} is empty; write {} to use every default, or remove the file`,
    );
  });

  it('overrides apply to the defaults too', () => {
    const loaded = loadConfig({ cwd: dir.path, overrides: { mode: 'paper' } });
    expect(loaded.source).toEqual({ kind: 'defaults' });
    expect(loaded.config.mode).toBe('paper');
  });
});

describe('secrets from the environment and .env', () => {
  it('reads .env from the working directory; the environment wins', () => {
    const envFile = write('.env', `API_USER=${USER}\nAPI_SIGNER=0x2222222222222222222222222222222222222222\n`);
    const { secrets, envFile: read } = loadSecrets({ cwd: dir.path, env: { API_SIGNER: SIGNER } });
    expect(read).toBe(envFile);
    expect(secrets.apiUser).toBe(USER);
    expect(secrets.apiSigner).toBe(SIGNER);
  });

  it('an environment variable set to empty switches off the .env value', () => {
    write('.env', `API_PRIVATE_KEY=${KEY}\n`);
    expect(loadSecrets({ cwd: dir.path, env: { API_PRIVATE_KEY: '' } }).secrets.apiPrivateKey).toBeUndefined();
  });

  it('no .env file is fine', () => {
    expect(loadSecrets({ cwd: dir.path, env: {} })).toEqual({ secrets: {}, envFile: null });
  });

  it('a malformed .env line is reported with the file path and line, not its content', () => {
    write('.env', `# credentials\n${KEY}\n`);
    const error = configErrorOf(() => loadSecrets({ cwd: dir.path, env: {} }));
    expect(error.message).toBe(`${join(dir.path, '.env')}:2: expected KEY=value`);
  });
});

describe('resolveConfig (shared CLI options)', () => {
  it('sim mode needs no credentials', () => {
    const resolved = resolveConfig({}, { cwd: dir.path, env: {} });
    expect(resolved.config.mode).toBe('sim');
    expect(resolved.credentials).toBeUndefined();
    expect(resolved.source).toEqual({ kind: 'defaults' });
    expect(resolved.warnings).toEqual([]);
  });

  it('live mode without credentials is a ConfigError naming every missing variable', () => {
    write('dnfarm.config.json', '{"mode": "live"}');
    const error = configErrorOf(() => resolveConfig({}, { cwd: dir.path, env: { API_USER: USER } }));
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error.message).toMatch(/^API_SIGNER, API_PRIVATE_KEY: are missing/);
  });

  it('live mode via --mode with credentials in .env resolves them', () => {
    write('.env', `API_USER=${USER}\nAPI_SIGNER=${SIGNER}\nAPI_PRIVATE_KEY="${KEY}"\n`);
    const resolved = resolveConfig({ mode: 'live' }, { cwd: dir.path, env: {} });
    expect(resolved.credentials).toMatchObject({ scheme: 'eip712', user: USER, signer: SIGNER });
    expect(resolved.envFile).toBe(join(dir.path, '.env'));
  });

  it('hmac signing in live mode asks for the V1 pair', () => {
    write('dnfarm.config.json', '{"mode": "live", "exchange": {"signing": "hmac"}}');
    const error = configErrorOf(() => resolveConfig({}, { cwd: dir.path, env: {} }));
    expect((error as MissingCredentialsError).missing).toEqual(['APIV1_PUBLIC_KEY', 'APIV1_PRIVATE_KEY']);
  });

  it('passes every shared option through, validated', () => {
    write('alt.json', '{"exchange": {"network": "testnet"}}');
    const resolved = resolveConfig(
      { config: 'alt.json', futuresUrl: 'http://127.0.0.1:4000', spotUrl: 'http://127.0.0.1:4001', dataDir: 'd' },
      { cwd: dir.path, env: {} },
    );
    expect(resolved.source.kind).toBe('option');
    expect(resolved.config.exchange).toMatchObject({
      futures_url: 'http://127.0.0.1:4000',
      spot_url: 'http://127.0.0.1:4001',
      chain_id: 714,
    });
    expect(resolved.config.data_dir).toBe('d');
    expect(() => resolveConfig({ spotUrl: 'nope' }, { cwd: dir.path, env: {} })).toThrow(/exchange\.spot_url/);
  });

  it('does not read files outside the working directory it is given', () => {
    // The fixture directory has no dnfarm.config.json: a lookup that used process.cwd() would differ here.
    expect(readFileSync(SEED_FIXTURE, 'utf8').length).toBeGreaterThan(0);
    expect(resolveConfig({}, { cwd: dirname(SEED_FIXTURE), env: {} }).source.kind).toBe('seed');
  });
});

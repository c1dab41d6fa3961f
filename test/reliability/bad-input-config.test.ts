/**
 * Bad input, config: seeded mutations of the default config and of the original bot's config file (missing keys,
 * NaN, negative, huge and wrong-type values, truncated JSON, unknown keys), and of the credential variables.
 *
 * Each one must give a `ConfigError` that names the field (or, for broken JSON, the line and column), or a config
 * whose every number and decimal is finite and whose strategy parameters are in range. Any other exception is a
 * crash. A credential that fails its check must never appear in the error, in any form.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleConfigFile,
  parseConfigText,
  readSecrets,
  requireCredentials,
  SIGNING_SCHEMES,
  strategyParamsFromConfig,
} from '../../src/config/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { DEMO_V1_FUTURES, DEMO_V3 } from '../../src/sim/auth/demo.ts';
import { cliBundle } from '../support/cli-bundle.ts';
import { FixtureExchange } from './support/fixture-exchange.ts';
import { REPO_ROOT, readJson, SEED_CONFIG } from './support/fixtures.ts';
import { parseProblems } from './support/invariants.ts';
import { mutateDocument } from './support/mutate.ts';
import { SeededRandom } from './support/random.ts';
import { figuresLine, suiteSeed, trials, ViolationLog } from './support/settings.ts';
import { removeTempDirs, tempDir } from './support/temp-dirs.ts';

const SEED = suiteSeed(1301);
const CONFIG_TRIALS = trials(600, 6000);
const SECRET_TRIALS = trials(150, 1500);
/** Bad configs handed to a real `dnfarm run` process (each a process start, so few). */
const RUN_TRIALS = trials(3, 20);

const bases: { name: string; doc: unknown }[] = [
  { name: 'default config', doc: exampleConfigFile() },
  { name: 'seed config', doc: readJson(SEED_CONFIG) },
];

/** A config error is clear when it names a field, or (document-level problems) says where and what. */
function unclearConfigError(error: ConfigError): string | null {
  if (error.message.trim() === '') return 'empty message';
  if (error.field !== '') return error.message.includes(error.field) ? null : `message does not name ${error.field}`;
  const located = /:\d+:\d+: invalid JSON: /.test(error.message);
  const documentLevel = /is empty|top level/.test(error.message);
  return located || documentLevel ? null : `no field and no location: ${error.message}`;
}

/** Ranges the strategy relies on, whatever the file said. */
function paramProblems(config: ReturnType<typeof parseConfigText>['config']): string[] {
  const params = strategyParamsFromConfig(config);
  const problems = parseProblems(params);
  if (![1, 2, 3].includes(params.leverage)) problems.push(`leverage ${params.leverage}`);
  if (!params.capitalFraction.greaterThan(0) || params.capitalFraction.greaterThan(1)) {
    problems.push(`capitalFraction ${params.capitalFraction.toString()}`);
  }
  if (!(params.fundingMaPeriods >= 1) || !Number.isInteger(params.fundingMaPeriods)) {
    problems.push(`fundingMaPeriods ${params.fundingMaPeriods}`);
  }
  if (!(params.defaultFundingIntervalHours > 0)) problems.push(`interval ${params.defaultFundingIntervalHours}`);
  const execution = config.execution;
  if (!(execution.leg_timeout_ms > 0) || !Number.isFinite(execution.leg_timeout_ms)) {
    problems.push(`leg_timeout_ms ${execution.leg_timeout_ms}`);
  }
  if (!(config.position_management.loop_interval_seconds > 0)) {
    problems.push(`loop_interval_seconds ${config.position_management.loop_interval_seconds}`);
  }
  return problems;
}

const figures = { trials: 0, faults: 0, violations: 0, accepted: 0, secretTrials: 0, runTrials: 0, requestsSent: 0 };

afterAll(() => {
  removeTempDirs();
  console.log(figuresLine('bad-input/config', { ...figures, seed: SEED }));
});

describe('bad input: config files', () => {
  it('every mutated config gives a ConfigError naming the field, or a sound config', () => {
    const rng = new SeededRandom(SEED);
    const violations = new ViolationLog();
    for (let trial = 0; trial < CONFIG_TRIALS; trial++) {
      const base = bases[trial % bases.length] as (typeof bases)[number];
      const mutation = mutateDocument(base.doc, rng);
      const where = `trial ${trial} (${base.name}; ${mutation.description})`;
      figures.trials++;
      try {
        const parsed = parseConfigText(mutation.text, 'fuzz.json');
        figures.accepted++;
        for (const problem of [...parseProblems(parsed.config), ...paramProblems(parsed.config)]) {
          violations.add(`${where}: accepted with ${problem}`);
        }
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          violations.add(`${where}: crashed with ${inspect(error).split('\n')[0]}`);
          continue;
        }
        figures.faults++;
        const unclear = unclearConfigError(error);
        if (unclear !== null) violations.add(`${where}: ${unclear}`);
      }
    }
    figures.violations += violations.count;
    expect(violations.count, violations.summary()).toBe(0);
    // The mutations must mostly hit: a fuzzer whose inputs all parse proves nothing.
    expect(figures.faults).toBeGreaterThan(CONFIG_TRIALS / 2);
  });
});

describe('bad input: credential variables', () => {
  const good = new Map<string, string>([
    ['API_USER', DEMO_V3.user],
    ['API_SIGNER', DEMO_V3.signer],
    ['API_PRIVATE_KEY', DEMO_V3.privateKey],
    ['APIV1_PUBLIC_KEY', DEMO_V1_FUTURES.apiKey],
    ['APIV1_PRIVATE_KEY', DEMO_V1_FUTURES.apiSecret],
  ]);
  const secretNames = new Set(['API_PRIVATE_KEY', 'APIV1_PRIVATE_KEY']);

  function mutateSecret(value: string, rng: SeededRandom): string {
    switch (rng.int(8)) {
      case 0:
        return value.slice(0, 1 + rng.int(value.length - 1));
      case 1:
        return `${value}${rng.pick(['0', 'ff', ' ', 'z'])}`;
      case 2:
        return value.replace(/[0-9a-f]/i, 'g');
      case 3:
        return ` ${value}`;
      case 4:
        return value.toUpperCase();
      case 5:
        return '';
      case 6:
        return value.startsWith('0x') ? value.slice(2) : `0x${value}`;
      default:
        return `${value.slice(0, 10)}"${value.slice(10)}`;
    }
  }

  /** Every form in which a secret could leak: the value, the value without 0x, and long pieces of it. */
  function leaks(text: string, secret: string): boolean {
    const bare = secret.replace(/^0x/i, '').trim().toLowerCase();
    if (bare.length < 16) return false;
    const haystack = text.toLowerCase();
    for (let at = 0; at + 16 <= bare.length; at += 8) if (haystack.includes(bare.slice(at, at + 16))) return true;
    return false;
  }

  it('every mutated credential gives a ConfigError that does not contain the secret, or valid credentials', () => {
    const rng = new SeededRandom(SEED + 1);
    const violations = new ViolationLog();
    for (let trial = 0; trial < SECRET_TRIALS; trial++) {
      const vars = new Map(good);
      const name = rng.pick([...good.keys()]);
      const mutated = mutateSecret(good.get(name) as string, rng);
      vars.set(name, mutated);
      const scheme = rng.pick(SIGNING_SCHEMES);
      const where = `secret trial ${trial} (${name} mutated, scheme ${scheme})`;
      figures.trials++;
      figures.secretTrials++;
      try {
        const credentials = requireCredentials(scheme, readSecrets(vars));
        // Accepted credentials must print masked wherever they end up.
        const shown = `${JSON.stringify(credentials)} ${inspect(credentials, { depth: 5 })} ${String(credentials)}`;
        for (const secret of [mutated, ...[...secretNames].map((n) => vars.get(n) as string)]) {
          if (secretNames.has(name) && leaks(shown, secret))
            violations.add(`${where}: accepted credentials print the secret`);
        }
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          violations.add(`${where}: crashed with ${inspect(error).split('\n')[0]}`);
          continue;
        }
        figures.faults++;
        const everything = `${error.message} ${inspect(error, { depth: 8 })} ${JSON.stringify(error.value ?? null)}`;
        for (const secretName of secretNames) {
          if (leaks(everything, vars.get(secretName) as string)) violations.add(`${where}: error shows ${secretName}`);
        }
        if (error.message.trim() === '') violations.add(`${where}: empty message`);
      }
    }
    figures.violations += violations.count;
    expect(violations.count, violations.summary()).toBe(0);
    expect(figures.faults).toBeGreaterThan(0);
  });
});

describe('bad input: a bad config given to `dnfarm run`', () => {
  const exchange = new FixtureExchange();
  beforeAll(() => exchange.start());
  afterAll(() => exchange.close());

  function run(configPath: string, dataDir: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          cliBundle(),
          'run',
          '--once',
          '--config',
          configPath,
          '--data-dir',
          dataDir,
          '--futures-url',
          exchange.url,
          '--spot-url',
          exchange.url,
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('exits with code 2 naming the field, before sending a single request', async () => {
    const rng = new SeededRandom(SEED + 2);
    const violations = new ViolationLog();
    const dir = tempDir();
    let tried = 0;
    for (let attempt = 0; tried < RUN_TRIALS && attempt < RUN_TRIALS * 20; attempt++) {
      const base = bases[attempt % bases.length] as (typeof bases)[number];
      const mutation = mutateDocument(base.doc, rng);
      let field: string;
      try {
        parseConfigText(mutation.text, 'fuzz.json');
        continue;
      } catch (error) {
        if (!(error instanceof ConfigError)) continue;
        field = error.field;
      }
      tried++;
      const configPath = join(dir, `bad-${tried}.json`);
      writeFileSync(configPath, mutation.text);
      const before = exchange.requests.length;
      const { code, stderr } = await run(configPath, join(dir, `data-${tried}`));
      const where = `run trial ${tried} (${base.name}; ${mutation.description})`;
      figures.trials++;
      figures.runTrials++;
      if (code === 2) figures.faults++;
      else violations.add(`${where}: exit code ${code}, expected 2: ${stderr.slice(-300)}`);
      if (field !== '' && !stderr.includes(field))
        violations.add(`${where}: stderr does not name ${field}: ${stderr.slice(-300)}`);
      const sent = exchange.requests.length - before;
      figures.requestsSent += sent;
      if (sent > 0) violations.add(`${where}: ${sent} request(s) reached the exchange`);
    }
    figures.violations += violations.count;
    expect(tried).toBe(RUN_TRIALS);
    expect(violations.count, violations.summary()).toBe(0);
  }, 120_000);
});

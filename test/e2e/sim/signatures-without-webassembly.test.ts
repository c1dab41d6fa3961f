/**
 * Where WebAssembly cannot run (`node --jitless`), the simulator still attributes V3 signatures exactly: it hashes
 * with viem's Keccak and recovers every signer, says so once, and accepts and refuses the same signatures.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');

const SCRIPT = `
import { Authenticator } from ${JSON.stringify(join(ROOT, 'src/sim/auth/index.ts'))};
import { asterDigest } from ${JSON.stringify(join(ROOT, 'src/sim/auth/eip712.ts'))};
import { parseRequestParams } from ${JSON.stringify(join(ROOT, 'src/sim/http/params.ts'))};
import { privateKeyToAccount } from 'viem/accounts';
const privateKey = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const agent = privateKeyToAccount(privateKey);
const auth = new Authenticator({ nowMs: () => 1780000000000 });
const warnings = [];
await auth.prepare([{ address: agent.address, privateKey }], (m) => warnings.push(m));
const verdicts = [];
for (let i = 0; i < 4; i++) {
  const msg = 'symbol=BTCUSDT&nonce=' + (1780000000000000n + BigInt(i)) + '&signer=' + agent.address;
  let signature = await agent.sign({ hash: asterDigest(msg) });
  if (i === 3) signature = signature.slice(0, 130) + (signature.endsWith('1b') ? '1c' : '1b');
  try { await auth.verifyV3(parseRequestParams(msg + '&signature=' + signature, '')); verdicts.push('accepted'); }
  catch (error) { verdicts.push(String(error.code)); }
}
console.log(JSON.stringify({ webAssembly: typeof WebAssembly, warnings, verdicts, counts: auth.signerKeys.counts }));
`;

describe('V3 signatures without WebAssembly', () => {
  it('are hashed and recovered the slow way, with the same verdicts', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--jitless', '--import', 'tsx', '--input-type=module', '--eval', SCRIPT],
      { cwd: ROOT, timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result.webAssembly).toBe('undefined');
    expect(result.warnings).toEqual([
      'no signature kernel (WebAssembly is not available in this process): every V3 signature will be recovered',
    ]);
    expect(result.verdicts).toEqual(['accepted', 'accepted', 'accepted', '-1022']);
    expect(result.counts).toEqual({ fast: 0, recovered: 4 });
  }, 90_000);
});

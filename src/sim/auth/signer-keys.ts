/**
 * V3 signature checks that are cheap for a signer seen before.
 *
 * Aster attributes an EIP-712 signature by recovering the signing address from it. Recovery costs two secp256k1
 * scalar multiplications, one of them by the signature's own point R, which is new every time and so gets no
 * precomputed table, plus a square root: several milliseconds of CPU in JavaScript. Most requests come from a
 * handful of agent keys, so the public key of a recovered signer is kept, and later signatures from it are checked
 * against that key by the signature kernel (wasm/kernel.ts) with fixed-base tables for G and for the key: about a
 * tenth of a millisecond. Recovery stays the answer for a signer not yet known, and for the rare check the kernel
 * cannot decide.
 *
 * Exactness. For a digest e and signature (r, s, v), recovery computes R = (x = r, y of parity v) and returns
 * Q = r⁻¹(s·R − e·G). With u1 = e·s⁻¹ and u2 = r·s⁻¹ (mod n): Q = P ⟺ s·R = e·G + r·P ⟺ R = u1·G + u2·P.
 * So computing R' = u1·G + u2·P and requiring x(R') = r and parity(y(R')) = v accepts exactly the signatures whose
 * recovery yields P, hence exactly those recovery attributes to P's address, and refuses every other one: a wrong
 * v, a changed digest, another key's signature. This is stricter than an ECDSA verify, which checks x only and so
 * would accept the key recovered with the other v as well. High-s signatures are accepted, as recovery accepts them
 * (replays are stopped by the nonce). r or s outside 1..n−1 are refused, as recovery refuses them.
 *
 * Why not `secp256k1.verify(sig, hash, key, { prehash: false, lowS: false })`: it re-parses the key on every call,
 * so no table is ever reused (it measured slower than recovery), and it cannot check v. Node's own crypto cannot
 * help either: its ECDSA verify hashes the data again (no prehashed digest), it cannot recover, and its secp256k1
 * scalar multiplications measured 0.7–1.7 ms on the same machine.
 */
import { type Hex, keccak256, recoverPublicKey, stringToBytes } from 'viem';
import { privateKeyToAccount, publicKeyToAddress, sign } from 'viem/accounts';
import {
  availableSignatureKernel,
  type CheckVerdict,
  kernelUnavailableReason,
  signatureKernel,
} from './wasm/kernel.ts';

/** Off when the kernel failed its self-test (see `SignerKeys.prepare`): every signature is then recovered. */
let kernelTrusted = true;
let selfTest: Promise<void> | undefined;

/** Whether signatures may be checked by the kernel: it runs here and passed its self-test (or has not run it yet). */
function kernelUsable(): boolean {
  return kernelTrusted && availableSignatureKernel() !== null;
}

/** Tables kept process-wide, least recently used evicted first: each holds 4224 points (about 330 KiB). */
const TABLE_CAPACITY = 16;
/** Public key (uncompressed hex) → the kernel's table slot for it. Shared by every simulator of the process. */
const tables = new Map<string, number>();

/** The table of `publicKey` (uncompressed `0x04…`), built on first use; a one-off cost of a few milliseconds. */
export function tableFor(publicKey: Hex): number {
  const key = publicKey.toLowerCase();
  const known = tables.get(key);
  if (known !== undefined) {
    tables.delete(key);
    tables.set(key, known);
    return known;
  }
  const kernel = signatureKernel();
  if (tables.size >= TABLE_CAPACITY) {
    const oldest = tables.entries().next();
    if (oldest.done !== true) {
      tables.delete(oldest.value[0]);
      kernel.releaseTable(oldest.value[1]);
    }
  }
  if (!/^0x04[0-9a-f]{128}$/.test(key)) throw new RangeError('a table needs an uncompressed public key');
  const slot = kernel.buildTable(BigInt(`0x${key.slice(4, 68)}`), BigInt(`0x${key.slice(68)}`));
  tables.set(key, slot);
  return slot;
}

function tableIfBuilt(publicKey: Hex): number | undefined {
  return tables.get(publicKey.toLowerCase());
}

/**
 * Whether recovering the signer of `digest` from `signature` (canonical `0x` r‖s‖v, v = 27/28) would yield the key
 * of table `slot`: the check described at the top of this file. `undecided` leaves the verdict to recovery.
 */
export function recoversTo(slot: number, digest: Hex, signature: Hex): CheckVerdict {
  const sig = signature.toLowerCase();
  const parity = sig.slice(130, 132) === '1c' ? 1 : 0;
  return signatureKernel().check(slot, digest.slice(2).toLowerCase(), sig.slice(2, 66), sig.slice(66, 130), parity);
}

interface KnownSigner {
  /** Uncompressed public key, as recovered. */
  publicKey: Hex;
}

export interface SignerKeysOptions {
  /** Signers whose keys are remembered, least recently used forgotten first. Default 16. */
  capacity?: number;
  /** The table check; `recoversTo` unless a test needs to see what happens when it cannot decide. */
  check?: (slot: number, digest: Hex, signature: Hex) => CheckVerdict;
}

/** Counts of how signatures were attributed, for diagnostics and tests. */
export interface VerificationCounts {
  /** Decided (accepted or refused) by the table check. */
  fast: number;
  /** Decided by recovery (a signer not known yet, or a check the kernel left undecided). */
  recovered: number;
}

export class SignerKeys {
  readonly #known = new Map<string, KnownSigner>();
  readonly #capacity: number;
  readonly #check: (slot: number, digest: Hex, signature: Hex) => CheckVerdict;
  readonly counts: VerificationCounts = { fast: 0, recovered: 0 };

  constructor(options: SignerKeysOptions = {}) {
    const capacity = options.capacity ?? 16;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
    this.#check = options.check ?? recoversTo;
  }

  /**
   * Gets ready before the first request instead of during it: compiles the kernel, builds the generator's table,
   * learns the keys of `agents` (the simulator's own demo agent: their first requests then need no recovery),
   * warms up recovery, and once per process checks the kernel against recovery on a real signature: a wrong
   * verdict there turns the fast path off for the process (and `warn` says so), so a broken kernel can slow the
   * simulator down but never accept or refuse a signature that recovery would not.
   */
  async prepare(
    agents: readonly { address: string; privateKey: Hex }[],
    warn: (message: string) => void,
  ): Promise<void> {
    if (availableSignatureKernel() === null) {
      warn(`no signature kernel (${kernelUnavailableReason()}): every V3 signature will be recovered`);
      return;
    }
    const first = agents[0];
    for (const agent of agents) {
      const publicKey = privateKeyToAccount(agent.privateKey).publicKey;
      tableFor(publicKey);
      this.#touch(agent.address.toLowerCase(), { publicKey });
    }
    if (first !== undefined) {
      selfTest ??= kernelSelfTest(first.privateKey).then((problem) => {
        if (problem === null) return;
        kernelTrusted = false;
        warn(`signature kernel self-test failed (${problem}): every V3 signature will be recovered instead`);
      });
      await selfTest;
    }
  }

  /**
   * Whether `signature` (canonical, v = 27/28) over `digest` is by the key of `signer` (a lowercase address):
   * exactly the verdict of recovering the address and comparing it.
   */
  async signedBy(digest: Hex, signature: Hex, signer: string): Promise<boolean> {
    const known = this.#known.get(signer);
    const slot = known === undefined || !kernelUsable() ? undefined : tableIfBuilt(known.publicKey);
    if (known !== undefined && slot !== undefined) {
      const verdict = this.#check(slot, digest, signature);
      if (verdict !== 'undecided') {
        this.counts.fast++;
        if (verdict === 'valid') this.#touch(signer, known);
        return verdict === 'valid';
      }
    }
    this.counts.recovered++;
    let publicKey: Hex;
    try {
      publicKey = await recoverPublicKey({ hash: digest, signature });
    } catch {
      return false;
    }
    if (publicKeyToAddress(publicKey).toLowerCase() !== signer) return false;
    this.#learn(signer, publicKey);
    return true;
  }

  /**
   * A signer recovered once is remembered; when it is recovered again with the same key its table is built (a
   * one-off cost), so one-off signers never cost a table.
   */
  #learn(signer: string, publicKey: Hex): void {
    const known = this.#known.get(signer);
    if (known !== undefined && known.publicKey === publicKey && kernelUsable()) tableFor(publicKey);
    this.#touch(signer, { publicKey });
  }

  #touch(signer: string, entry: KnownSigner): void {
    this.#known.delete(signer);
    this.#known.set(signer, entry);
    if (this.#known.size > this.#capacity) {
      const oldest = this.#known.keys().next();
      if (oldest.done !== true) this.#known.delete(oldest.value);
    }
  }
}

/**
 * The kernel's verdicts on one genuine signature and two altered ones, against recovery's; null when they agree.
 * Running it also warms up recovery (the curve library builds its own tables on first use).
 */
async function kernelSelfTest(privateKey: Hex): Promise<string | null> {
  const digest = keccak256(stringToBytes('dnfarm simulator signature kernel self-test'));
  const signature = (await sign({ hash: digest, privateKey, to: 'hex' })) as Hex;
  const publicKey = await recoverPublicKey({ hash: digest, signature });
  const slot = tableFor(publicKey);
  const otherV = `${signature.slice(0, 130)}${signature.endsWith('1b') ? '1c' : '1b'}` as Hex;
  const otherDigest = keccak256(digest);
  const cases: [string, Hex, Hex, CheckVerdict][] = [
    ['genuine', digest, signature, 'valid'],
    ['other v', digest, otherV, 'invalid'],
    ['other digest', otherDigest, signature, 'invalid'],
  ];
  for (const [name, hash, sig, expected] of cases) {
    const verdict = recoversTo(slot, hash, sig);
    if (verdict !== expected) return `${name}: ${verdict}, expected ${expected}`;
  }
  return null;
}

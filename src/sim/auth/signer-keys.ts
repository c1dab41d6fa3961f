/**
 * V3 signature checks that are cheap for a signer seen before.
 *
 * Aster attributes an EIP-712 signature by recovering the signing address from it. Recovery costs two secp256k1
 * scalar multiplications, one of them by the signature's own point R, which is new every time and so gets no
 * precomputed table: about 4 ms of CPU in JavaScript, which capped the simulator at roughly 130 signed requests a
 * second. Most requests come from a handful of agent keys, so the public key of a signer that has been recovered
 * is kept, and later signatures from it are checked against that key with precomputed tables for both scalar
 * multiplications (about a sixth of the cost). Recovery stays the answer for a signer not yet known, and the
 * fallback whenever the fast check says no.
 *
 * Exactness. For a digest e and signature (r, s, v), recovery computes R = (x = r, y of parity v) and returns
 * Q = r⁻¹(s·R − e·G). With u1 = e·s⁻¹ and u2 = r·s⁻¹ (mod n): Q = P ⟺ s·R = e·G + r·P ⟺ R = u1·G + u2·P.
 * So computing R' = u1·G + u2·P and requiring x(R') = r and parity(y(R')) = v accepts exactly the signatures whose
 * recovery yields P, hence exactly those recovery attributes to P's address. This is stricter than an ECDSA verify:
 * x(R') ≡ r holds for the keys recovered with v = 0 and v = 1 alike, so a verify would accept a signature whose v
 * names another key. High-s signatures are accepted, as recovery accepts them (replays are stopped by the nonce).
 *
 * Why not `secp256k1.verify(sig, hash, key, { prehash: false, lowS: false })`: it re-parses the key on every call,
 * so no table is ever reused (it measured slower than recovery), and it cannot check v.
 *
 * Library note (@noble/curves 1.9.1, the version viem pins): a point's precomputed tables are sized for the
 * half-length scalars of the GLV endomorphism, and `multiplyUnsafe` with a table gives wrong results for full
 * 256-bit scalars. Scalars are therefore split with the curve's endomorphism first, exactly as its constant-time
 * `multiply` does, and each half (< 2¹²⁸) is multiplied with the table. A wrong product could only make the check
 * fail, never pass (it would have to land on the one point R), and a failed check falls back to recovery.
 */
import { invert, mod } from '@noble/curves/abstract/modular';
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Hex, recoverPublicKey } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';

type Point = InstanceType<typeof secp256k1.ProjectivePoint>;

const Point = secp256k1.ProjectivePoint;
const N = secp256k1.CURVE.n;
const Fp = secp256k1.CURVE.Fp;
const ENDO = (() => {
  const endo = secp256k1.CURVE.endo;
  if (endo === undefined) throw new Error('secp256k1 without its endomorphism: the fast signature check needs it');
  return endo;
})();
/** wNAF window of a signer's table: 17 × 128 points (~0.3 MB), ~25 ms to build, and two-thirds fewer additions. */
const TABLE_WINDOW = 8;

/** r, s and the parity of R's y, from a canonical `0x` r‖s‖v signature with v = 27/28. */
export interface SignatureParts {
  r: bigint;
  s: bigint;
  parity: 0 | 1;
}

export function signatureParts(signature: Hex): SignatureParts {
  return {
    r: BigInt(`0x${signature.slice(2, 66)}`),
    s: BigInt(`0x${signature.slice(66, 130)}`),
    parity: Number.parseInt(signature.slice(130, 132), 16) === 28 ? 1 : 0,
  };
}

/** k·T for a point with a precomputed table, through the endomorphism split (see the library note above). */
function multiplyWithTable(table: Point, k: bigint): Point {
  const { k1neg, k1, k2neg, k2 } = ENDO.splitScalar(k);
  let a = table.multiplyUnsafe(k1);
  if (k1neg) a = a.negate();
  let b = table.multiplyUnsafe(k2);
  if (k2neg) b = b.negate();
  // k2·λ·T = (β·x, y) of k2·T.
  b = new Point(Fp.mul(b.px, ENDO.beta), b.py, b.pz);
  return a.add(b);
}

/**
 * Whether recovering the signer of `digest` from `parts` would yield `key` (a point with a precomputed table): the
 * check described at the top of this file.
 */
export function recoversTo(key: Point, digest: bigint, parts: SignatureParts): boolean {
  const { r, s, parity } = parts;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const sInverse = invert(s, N);
  const candidate = multiplyWithTable(Point.BASE, mod(mod(digest, N) * sInverse, N)).add(
    multiplyWithTable(key, mod(r * sInverse, N)),
  );
  if (candidate.equals(Point.ZERO)) return false;
  const { x, y } = candidate.toAffine();
  return x === r && Number(y & 1n) === parity;
}

interface KnownSigner {
  /** Uncompressed public key, as recovered. */
  publicKey: Hex;
  /** Present once the signer has signed twice: the key with its precomputed table. */
  table?: Point;
}

export interface SignerKeysOptions {
  /** Signers whose keys (and tables) are kept, least recently used evicted first. Default 16. */
  capacity?: number;
}

/** Counts of how signatures were attributed, for diagnostics and tests. */
export interface VerificationCounts {
  /** Accepted by the table check. */
  fast: number;
  /** Decided by recovery (unknown signer, or a failed table check). */
  recovered: number;
}

export class SignerKeys {
  readonly #known = new Map<string, KnownSigner>();
  readonly #capacity: number;
  readonly counts: VerificationCounts = { fast: 0, recovered: 0 };

  constructor(options: SignerKeysOptions = {}) {
    const capacity = options.capacity ?? 16;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /**
   * Whether `signature` (canonical, v = 27/28) over `digest` is by the key of `signer` (a lowercase address):
   * exactly the verdict of recovering the address and comparing it.
   */
  async signedBy(digest: Hex, signature: Hex, signer: string): Promise<boolean> {
    const known = this.#known.get(signer);
    if (known?.table !== undefined && this.#fastCheck(known.table, digest, signature)) {
      this.#touch(signer, known);
      this.counts.fast++;
      return true;
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

  /** The table check; any failure inside the curve library counts as "no" and leaves the verdict to recovery. */
  #fastCheck(table: Point, digest: Hex, signature: Hex): boolean {
    try {
      return recoversTo(table, BigInt(digest), signatureParts(signature));
    } catch {
      return false;
    }
  }

  /** A signer recovered once is remembered; on its second recovery its table is built (a one-off cost). */
  #learn(signer: string, publicKey: Hex): void {
    const known = this.#known.get(signer);
    if (known === undefined || known.publicKey !== publicKey) {
      this.#touch(signer, { publicKey });
      return;
    }
    if (known.table === undefined) {
      const table = Point.fromHex(publicKey.slice(2));
      secp256k1.utils.precompute(TABLE_WINDOW, table);
      known.table = table;
    }
    this.#touch(signer, known);
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

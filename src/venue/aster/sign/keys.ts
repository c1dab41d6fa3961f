/**
 * Validation of credentials at construction time, so a typo fails at start-up with the field named, not later as an
 * opaque -1022 from the exchange. Error messages never include a private key or secret, only public addresses.
 */
import { type Hex, isAddress } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ConfigError } from '../../../errors.ts';

const PRIVATE_KEY = /^(?:0x)?[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A secp256k1 private key as `0x` + 64 hex digits; accepts it without the prefix. */
export function parsePrivateKey(field: string, raw: string): Hex {
  const trimmed = raw.trim();
  if (!PRIVATE_KEY.test(trimmed)) {
    throw new ConfigError(
      field,
      `must be 32 bytes of hex (64 hex digits, optional 0x); got ${trimmed.length} characters`,
    );
  }
  return (trimmed.startsWith('0x') ? trimmed : `0x${trimmed}`) as Hex;
}

/**
 * An Ethereum address, kept in the case it was configured in (Aster compares the signed string, so the address
 * must be sent exactly as registered). A mixed-case address must carry a valid EIP-55 checksum.
 */
export function parseAddress(field: string, raw: string): Hex {
  const trimmed = raw.trim();
  if (!ADDRESS.test(trimmed) || !isAddress(trimmed, { strict: true })) {
    throw new ConfigError(field, `is not a valid Ethereum address: ${JSON.stringify(trimmed)}`, { value: trimmed });
  }
  return trimmed as Hex;
}

/** The agent key must belong to the configured `signer` address; otherwise every signed call would fail. */
export function assertKeyMatchesSigner(privateKey: Hex, signer: Hex, keyField: string, signerField: string): void {
  const derived = privateKeyToAddress(privateKey);
  if (derived.toLowerCase() !== signer.toLowerCase()) {
    throw new ConfigError(signerField, `${signer} is not the address of ${keyField} (which belongs to ${derived})`, {
      value: signer,
    });
  }
}

/**
 * The superseded V3 signing scheme (documented Sept 2025 – Jan 2026, used by the original Python bot), accepted only
 * when the simulator is started with `legacyAbi: true`:
 *
 *   json   = Python `json.dumps(params, sort_keys=True)` with every space removed, all values strings
 *            (params = everything sent except nonce, user, signer, signature)
 *   digest = keccak256(abi.encode(string json, address user, address signer, uint256 nonce))
 *   sig    = personal_sign (EIP-191 "\x19Ethereum Signed Message:\n32" ‖ digest) by the signer's key
 */
import { encodeAbiParameters, type Hex, hashMessage, keccak256 } from 'viem';

const AUTH_FIELDS = new Set(['nonce', 'user', 'signer', 'signature']);

/** One character as Python's `json.dumps` (ensure_ascii=True) writes it inside a string literal. */
function pythonEscape(char: string): string {
  switch (char) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    default: {
      const code = char.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) return `\\u${code.toString(16).padStart(4, '0')}`;
      return char;
    }
  }
}

function pythonJsonString(value: string): string {
  let out = '"';
  // Iterate UTF-16 code units: Python escapes astral characters as surrogate pairs, which this reproduces.
  for (let i = 0; i < value.length; i++) out += pythonEscape(value.charAt(i));
  return `${out}"`;
}

/** The compact, key-sorted JSON the legacy scheme hashes. */
export function legacyJson(params: ReadonlyMap<string, string>): string {
  const keys = [...params.keys()].filter((k) => !AUTH_FIELDS.has(k)).sort();
  const body = keys.map((k) => `${pythonJsonString(k)}: ${pythonJsonString(params.get(k) as string)}`).join(', ');
  return `{${body}}`.replaceAll(' ', '');
}

/** The EIP-191 message hash whose signer the server recovers. */
export function legacyDigest(params: ReadonlyMap<string, string>, user: string, signer: string, nonce: bigint): Hex {
  const encoded = encodeAbiParameters(
    [{ type: 'string' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }],
    [legacyJson(params), user.toLowerCase() as Hex, signer.toLowerCase() as Hex, nonce],
  );
  return hashMessage({ raw: keccak256(encoded) });
}

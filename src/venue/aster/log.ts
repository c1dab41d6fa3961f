/**
 * The logging surface of the Aster client: the subset of pino's API it uses, so a pino logger (or a child of one)
 * can be passed as is, and tests can capture every line.
 *
 * The client only ever logs objects it builds itself from non-secret fields (endpoint, status, code, message,
 * attempt, delay). Text that comes from the exchange is scrubbed first (see `scrubSecrets`), because a proxy or
 * error page may echo the request line, and the request line carries the signature.
 */
export interface AsterLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: AsterLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const REDACTED = '[redacted]';
/** `signature=<anything>` in an echoed query string or form body. */
const SIGNATURE_PARAM = /(signature=)[^&\s"'<>]*/gi;
/** A 65-byte secp256k1 signature in hex (r‖s‖v), with or without 0x. */
const ECDSA_SIGNATURE = /(?:0x)?[0-9a-f]{130}/gi;

/**
 * Removes secrets from text received from the outside world before it reaches a log line or an error.
 * `secrets` are exact values (keys, HMAC secrets, this request's signature); they are matched case-insensitively
 * and with or without a `0x` prefix because hex can come back in either form.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(SIGNATURE_PARAM, `$1${REDACTED}`).replace(ECDSA_SIGNATURE, REDACTED);
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      out = replaceAllInsensitive(out, form, REDACTED);
    }
  }
  return out;
}

function secretForms(secret: string): string[] {
  if (secret.length < 8) return [];
  const bare = secret.startsWith('0x') || secret.startsWith('0X') ? secret.slice(2) : secret;
  return bare === secret ? [secret] : [secret, bare];
}

function replaceAllInsensitive(text: string, needle: string, replacement: string): string {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(escaped, 'gi'), replacement);
}

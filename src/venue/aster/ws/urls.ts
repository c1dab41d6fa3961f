import { ConfigError } from '../../../errors.ts';

export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigError('wsBaseUrl', `not a URL: ${JSON.stringify(raw)}`, { value: raw, cause: error });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ConfigError('wsBaseUrl', `must start with ws:// or wss://, got ${JSON.stringify(raw)}`, { value: raw });
  }
  if (url.search || url.hash) {
    throw new ConfigError('wsBaseUrl', `must not carry a query or fragment, got ${JSON.stringify(raw)}`, {
      value: raw,
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Aster wants lower-case symbols in stream names; the rest (`@markPrice`, `!bookTicker`) is case-sensitive. */
export function normaliseStreamName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || /[\s/?#&]/.test(name)) {
    throw new ConfigError('stream', `invalid stream name ${JSON.stringify(raw)}`, { value: raw });
  }
  const at = name.indexOf('@');
  if (name.startsWith('!') || at < 0) return name;
  return name.slice(0, at).toLowerCase() + name.slice(at);
}

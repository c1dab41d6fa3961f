/**
 * Aster endpoints per network, and the rules that fill in the URLs a config file leaves out.
 *
 * Aster runs REST and WebSocket on different hosts (fapi/fstream, sapi/sstream), so a WebSocket URL cannot be
 * derived from an Aster REST URL by changing the scheme. A non-Aster REST URL (the simulator, a proxy) serves its
 * WebSocket on the same origin, so there the scheme swap is the right default.
 */
import type { Network, SigningScheme } from './schema.ts';

export interface NetworkEndpoints {
  readonly futuresUrl: string;
  readonly spotUrl: string;
  readonly futuresWsUrl: string;
  readonly spotWsUrl: string;
  /** EIP-712 domain chainId of the V3 signature. */
  readonly chainId: number;
}

export const ASTER_ENDPOINTS: Readonly<Record<Network, NetworkEndpoints>> = Object.freeze({
  mainnet: Object.freeze({
    futuresUrl: 'https://fapi.asterdex.com',
    spotUrl: 'https://sapi.asterdex.com',
    futuresWsUrl: 'wss://fstream.asterdex.com',
    spotWsUrl: 'wss://sstream.asterdex.com',
    chainId: 1666,
  }),
  testnet: Object.freeze({
    futuresUrl: 'https://fapi.asterdex-testnet.com',
    spotUrl: 'https://sapi.asterdex-testnet.com',
    futuresWsUrl: 'wss://fstream.asterdex-testnet.com',
    spotWsUrl: 'wss://sstream.asterdex-testnet.com',
    chainId: 714,
  }),
});

/** The exchange section after derivation: every URL is set and the chain id is known. */
export interface ExchangeSettings {
  readonly network: Network;
  readonly futures_url: string;
  readonly spot_url: string;
  readonly futures_ws_url: string;
  readonly spot_ws_url: string;
  readonly signing: SigningScheme;
  readonly recv_window_ms: number;
  readonly request_timeout_ms: number;
  /** Derived from `network`: 1666 mainnet, 714 testnet. Not a file key. */
  readonly chain_id: number;
}

/** Base URLs are joined with paths that start with "/", so a trailing slash would double it. */
export function trimTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The network whose REST host this URL is, if it is an Aster host. */
export function asterNetworkOf(restUrl: string, market: 'futures' | 'spot'): Network | undefined {
  const origin = new URL(restUrl).origin;
  for (const network of Object.keys(ASTER_ENDPOINTS) as Network[]) {
    const endpoints = ASTER_ENDPOINTS[network];
    const known = market === 'futures' ? endpoints.futuresUrl : endpoints.spotUrl;
    if (new URL(known).origin === origin) return network;
  }
  return undefined;
}

function webSocketFor(restUrl: string, market: 'futures' | 'spot'): string {
  const network = asterNetworkOf(restUrl, market);
  if (network !== undefined) {
    const endpoints = ASTER_ENDPOINTS[network];
    return market === 'futures' ? endpoints.futuresWsUrl : endpoints.spotWsUrl;
  }
  const url = new URL(restUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return trimTrailingSlash(url.toString());
}

export interface ExchangeInput {
  network: Network;
  futures_url: string | null;
  spot_url: string | null;
  futures_ws_url: string | null;
  spot_ws_url: string | null;
  signing: SigningScheme;
  recv_window_ms: number;
  request_timeout_ms: number;
}

export function deriveExchange(input: ExchangeInput): ExchangeSettings {
  const endpoints = ASTER_ENDPOINTS[input.network];
  const futuresUrl = trimTrailingSlash(input.futures_url ?? endpoints.futuresUrl);
  const spotUrl = trimTrailingSlash(input.spot_url ?? endpoints.spotUrl);
  return {
    network: input.network,
    futures_url: futuresUrl,
    spot_url: spotUrl,
    futures_ws_url: trimTrailingSlash(input.futures_ws_url ?? webSocketFor(futuresUrl, 'futures')),
    spot_ws_url: trimTrailingSlash(input.spot_ws_url ?? webSocketFor(spotUrl, 'spot')),
    signing: input.signing,
    recv_window_ms: input.recv_window_ms,
    request_timeout_ms: input.request_timeout_ms,
    chain_id: endpoints.chainId,
  };
}

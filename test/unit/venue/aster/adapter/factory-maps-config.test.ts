/**
 * Config → venue: base URLs and the EIP-712 chain id come from `exchange.network`, the file and the
 * `--futures-url` / `--spot-url` options; the signing scheme picks the credentials and the V3 or V1 path family.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MissingCredentialsError, parseConfigObject, Secret, type Secrets } from '../../../../../src/config/index.ts';
import { type AsterVenue, createVenueFromConfig, venueConfigFromConfig } from '../../../../../src/venue/aster/index.ts';

// Aster's published documentation identities ("for demonstration purposes only").
const V3: Secrets = {
  apiUser: '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e',
  apiSigner: '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0',
  apiPrivateKey: new Secret('0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1'),
};
const V1: Secrets = {
  apiV1PublicKey: 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83',
  apiV1PrivateKey: new Secret('2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9'),
};

function configOf(file: Record<string, unknown>, overrides: { futuresUrl?: string; spotUrl?: string } = {}) {
  return parseConfigObject(file, { overrides }).config;
}

const opened: AsterVenue[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((venue) => venue.close()));
});

describe('venue configuration from the config file and command line', () => {
  it('defaults to Aster mainnet: fapi/sapi REST, fstream/sstream WebSocket, chain id 1666, EIP-712', () => {
    const mapped = venueConfigFromConfig(configOf({ mode: 'live' }), V3);
    expect(mapped).toMatchObject({
      futuresBaseUrl: 'https://fapi.asterdex.com',
      spotBaseUrl: 'https://sapi.asterdex.com',
      futuresWsUrl: 'wss://fstream.asterdex.com',
      spotWsUrl: 'wss://sstream.asterdex.com',
      requestTimeoutMs: 2500,
      signing: {
        scheme: 'eip712',
        chainId: 1666,
        user: V3.apiUser,
        signer: V3.apiSigner,
        privateKey: V3.apiPrivateKey?.reveal(),
      },
    });
  });

  it('signs for chain id 714 on the testnet and uses the testnet hosts', () => {
    const mapped = venueConfigFromConfig(configOf({ mode: 'live', exchange: { network: 'testnet' } }), V3);
    expect(mapped.signing).toMatchObject({ scheme: 'eip712', chainId: 714 });
    expect(mapped).toMatchObject({
      futuresBaseUrl: 'https://fapi.asterdex-testnet.com',
      spotBaseUrl: 'https://sapi.asterdex-testnet.com',
      futuresWsUrl: 'wss://fstream.asterdex-testnet.com',
      spotWsUrl: 'wss://sstream.asterdex-testnet.com',
    });
  });

  it('takes --futures-url / --spot-url over the file, and serves WebSocket on the same origin for a non-Aster host', () => {
    const config = configOf(
      { exchange: { futures_url: 'https://fapi.asterdex.com', request_timeout_ms: 2500 } },
      { futuresUrl: 'http://127.0.0.1:40123/', spotUrl: 'http://127.0.0.1:40124' },
    );
    const mapped = venueConfigFromConfig(config, V3);
    expect(mapped).toMatchObject({
      futuresBaseUrl: 'http://127.0.0.1:40123',
      spotBaseUrl: 'http://127.0.0.1:40124',
      futuresWsUrl: 'ws://127.0.0.1:40123',
      spotWsUrl: 'ws://127.0.0.1:40124',
      requestTimeoutMs: 2500,
    });
    expect(mapped.signing).toMatchObject({ chainId: 1666 });
  });

  it('keeps explicit WebSocket URLs from the file', () => {
    const config = configOf({
      exchange: {
        futures_url: 'https://fapi.example.org',
        futures_ws_url: 'wss://streams.example.org/futures',
        spot_ws_url: 'wss://streams.example.org/spot',
      },
    });
    expect(venueConfigFromConfig(config, V3)).toMatchObject({
      futuresBaseUrl: 'https://fapi.example.org',
      futuresWsUrl: 'wss://streams.example.org/futures',
      spotWsUrl: 'wss://streams.example.org/spot',
    });
  });

  it('maps hmac signing to the V1 key with the configured recvWindow, and the venue to the V1 paths', () => {
    const config = configOf({ exchange: { signing: 'hmac', recv_window_ms: 7000 } });
    expect(venueConfigFromConfig(config, V1).signing).toEqual({
      scheme: 'hmac',
      apiKey: V1.apiV1PublicKey,
      apiSecret: V1.apiV1PrivateKey?.reveal(),
      recvWindowMs: 7000,
    });
    const venue = createVenueFromConfig(config, V1);
    opened.push(venue);
    expect(venue.transport.apiFamily).toBe('v1');
    expect(venue.futures.spec('perpBalance').path).toBe('/fapi/v2/balance');
    expect(venue.futures.spec('perpAccount').path).toBe('/fapi/v4/account');
    expect(venue.spot.spec('spotNewOrder').path).toBe('/api/v1/order');
    expect(venue.futures.spec('perpListenKeyCreate').auth).toBe('apiKey');
  });

  it('uses the V3 paths for EIP-712 and for the legacy ABI scheme', () => {
    for (const signing of ['eip712', 'legacy-abi'] as const) {
      const venue = createVenueFromConfig(configOf({ exchange: { signing } }), V3);
      opened.push(venue);
      expect(venue.transport.signingScheme).toBe(signing);
      expect(venue.transport.apiFamily).toBe('v3');
      expect(venue.futures.spec('perpAccount').path).toBe('/fapi/v3/accountWithJoinMargin');
      expect(venue.spot.spec('spotNewOrder').path).toBe('/api/v3/order');
      expect(venue.spot.spec('spotListenKeyKeepAlive').auth).toBe('signed');
    }
  });

  it('names every missing credential variable, and builds a public-data venue only when asked to', () => {
    const config = configOf({ mode: 'live', exchange: { signing: 'hmac' } });
    expect(() => venueConfigFromConfig(config, V3)).toThrow(MissingCredentialsError);
    expect(() => venueConfigFromConfig(config, V3)).toThrow(/APIV1_PUBLIC_KEY, APIV1_PRIVATE_KEY/);
    const eip = configOf({ mode: 'live' });
    expect(() => venueConfigFromConfig(eip, { apiUser: V3.apiUser } as Secrets)).toThrow(/API_SIGNER, API_PRIVATE_KEY/);
    const publicOnly = venueConfigFromConfig(eip, {}, { publicOnly: true });
    expect(publicOnly.signing).toBeUndefined();
    const venue = createVenueFromConfig(eip, {}, { publicOnly: true });
    opened.push(venue);
    expect(venue.transport.signingScheme).toBeNull();
  });

  it('rejects venue tuning that Aster cannot serve, naming the field', () => {
    const config = configOf({});
    expect(() => createVenueFromConfig(config, V3, { tuning: { incomePageSize: 5000 } })).toThrow(
      /tuning\.incomePageSize: must be at most 1000, got 5000/,
    );
    expect(() => createVenueFromConfig(config, V3, { tuning: { marketRefreshMs: 0 } })).toThrow(
      /tuning\.marketRefreshMs/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseConfigObject, parseConfigText } from '../../../src/config/index.ts';
import { configErrorOf } from './helpers.ts';

describe('exchange endpoints', () => {
  it('testnet switches every URL and the chain id', () => {
    const { exchange } = parseConfigObject({ exchange: { network: 'testnet' } }).config;
    expect(exchange).toMatchObject({
      futures_url: 'https://fapi.asterdex-testnet.com',
      spot_url: 'https://sapi.asterdex-testnet.com',
      futures_ws_url: 'wss://fstream.asterdex-testnet.com',
      spot_ws_url: 'wss://sstream.asterdex-testnet.com',
      chain_id: 714,
    });
  });

  it('null URLs mean "derive from the network", as in the example file', () => {
    const { exchange } = parseConfigObject({
      exchange: { network: 'testnet', futures_url: null, spot_ws_url: null },
    }).config;
    expect(exchange.futures_url).toBe('https://fapi.asterdex-testnet.com');
    expect(exchange.spot_ws_url).toBe('wss://sstream.asterdex-testnet.com');
  });

  it('a non-Aster REST URL (a simulator) serves its WebSocket on the same origin', () => {
    const { exchange } = parseConfigObject({
      exchange: { futures_url: 'http://127.0.0.1:18080/', spot_url: 'https://proxy.example:8443/aster/' },
    }).config;
    expect(exchange.futures_url).toBe('http://127.0.0.1:18080');
    expect(exchange.futures_ws_url).toBe('ws://127.0.0.1:18080');
    expect(exchange.spot_url).toBe('https://proxy.example:8443/aster');
    expect(exchange.spot_ws_url).toBe('wss://proxy.example:8443/aster');
  });

  it('an Aster REST URL keeps Aster’s separate WebSocket host', () => {
    const { exchange } = parseConfigObject({ exchange: { futures_url: 'https://fapi.asterdex.com/' } }).config;
    expect(exchange.futures_ws_url).toBe('wss://fstream.asterdex.com');
  });

  it('explicit WebSocket URLs win over derivation', () => {
    const { exchange } = parseConfigObject({
      exchange: { futures_url: 'http://127.0.0.1:1', futures_ws_url: 'ws://127.0.0.1:2/' },
    }).config;
    expect(exchange.futures_ws_url).toBe('ws://127.0.0.1:2');
  });

  it('warns when a URL points at the other network than exchange.network (the chain id would be wrong)', () => {
    const parsed = parseConfigObject({ exchange: { futures_url: 'https://fapi.asterdex-testnet.com' } });
    expect(parsed.warnings).toEqual([
      { field: 'exchange.futures_url', message: expect.stringMatching(/points at the Aster testnet.*chain id 1666/) },
    ]);
  });

  it('warns when recv_window_ms is changed but the signing scheme does not use it', () => {
    expect(parseConfigObject({ exchange: { recv_window_ms: 10_000 } }).warnings.map((w) => w.field)).toEqual([
      'exchange.recv_window_ms',
    ]);
    expect(parseConfigObject({ exchange: { recv_window_ms: 10_000, signing: 'hmac' } }).warnings).toEqual([]);
  });
});

describe('command-line overrides', () => {
  it('win over the file', () => {
    const parsed = parseConfigText('{"mode": "paper", "data_dir": "/var/lib/dnfarm"}', 'f.json', {
      overrides: {
        mode: 'live',
        dataDir: './elsewhere',
        futuresUrl: 'http://127.0.0.1:9000',
        spotUrl: 'http://127.0.0.1:9001',
      },
    });
    expect(parsed.config.mode).toBe('live');
    expect(parsed.config.data_dir).toBe('./elsewhere');
    expect(parsed.config.exchange.futures_url).toBe('http://127.0.0.1:9000');
    expect(parsed.config.exchange.spot_ws_url).toBe('ws://127.0.0.1:9001');
    expect(parsed.explicitKeys).toEqual(
      expect.arrayContaining(['mode', 'data_dir', 'exchange.futures_url', 'exchange.spot_url']),
    );
  });

  it('undefined overrides leave the file alone', () => {
    const parsed = parseConfigText('{"mode": "paper"}', 'f.json', { overrides: { mode: undefined } });
    expect(parsed.config.mode).toBe('paper');
  });

  it('are validated like the file, and the error says which flag set the value', () => {
    const mode = configErrorOf(() => parseConfigObject({}, { overrides: { mode: 'demo' } }));
    expect(mode.field).toBe('mode');
    expect(mode.message).toMatch(/expected one of "sim" \| "paper" \| "live", received "demo".*\(from --mode\)/);

    const url = configErrorOf(() => parseConfigObject({}, { overrides: { futuresUrl: 'localhost:8080' } }));
    expect(url.field).toBe('exchange.futures_url');
    expect(url.message).toMatch(/must be a URL starting with http:\/\/ or https:\/\/.*\(from --futures-url\)/);

    const dir = configErrorOf(() => parseConfigObject({}, { overrides: { dataDir: '' } }));
    expect(dir.field).toBe('data_dir');
    expect(dir.message).toMatch(/from --data-dir/);
  });
});

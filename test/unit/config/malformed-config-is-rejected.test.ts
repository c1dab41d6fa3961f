import { describe, expect, it } from 'vitest';
import { ConfigValidationError, parseConfigText } from '../../../src/config/index.ts';
import { configErrorOf } from './helpers.ts';

interface Case {
  name: string;
  json: string;
  field: string;
  message?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a loop interval beyond what a timer can wait',
    json: '{"position_management": {"loop_interval_seconds": 1e21}}',
    field: 'position_management.loop_interval_seconds',
  },
  {
    name: 'a leg timeout beyond ten minutes',
    json: '{"execution": {"leg_timeout_ms": 9000000000000000}}',
    field: 'execution.leg_timeout_ms',
  },
  {
    name: 'a request timeout that leaves no room inside the leg timeout',
    json: '{"exchange": {"request_timeout_ms": 8000}, "execution": {"leg_timeout_ms": 5000}}',
    field: 'exchange.request_timeout_ms',
    message: /must be <= execution\.leg_timeout_ms \(5000\), received 8000/,
  },
  {
    name: 'a number written as a string',
    json: '{"position_management": {"loop_interval_seconds": "300"}}',
    field: 'position_management.loop_interval_seconds',
    message: /expected a number > 0 and <= 86400, received "300" \(a string\)/,
  },
  {
    name: 'a boolean written as a string',
    json: '{"funding_rate_strategy": {"use_funding_ma": "yes"}}',
    field: 'funding_rate_strategy.use_funding_ma',
    message: /expected true or false, received "yes" \(a string\)/,
  },
  {
    name: 'null for a number',
    json: '{"capital_management": {"capital_fraction": null}}',
    field: 'capital_management.capital_fraction',
    message: /expected a number > 0 and <= 1, received null/,
  },
  {
    name: 'fraction 0',
    json: '{"capital_management": {"capital_fraction": 0}}',
    field: 'capital_management.capital_fraction',
    message: /> 0 and <= 1, received 0/,
  },
  {
    name: 'fraction 1.5',
    json: '{"capital_management": {"capital_fraction": 1.5}}',
    field: 'capital_management.capital_fraction',
    message: /received 1\.5/,
  },
  {
    name: 'leverage 4',
    json: '{"leverage_settings": {"leverage": 4}}',
    field: 'leverage_settings.leverage',
    message: /expected an integer >= 1 and <= 3, received 4/,
  },
  {
    name: 'leverage 2.5',
    json: '{"leverage_settings": {"leverage": 2.5}}',
    field: 'leverage_settings.leverage',
    message: /expected an integer >= 1 and <= 3, received 2\.5/,
  },
  {
    name: 'leverage 0',
    json: '{"leverage_settings": {"leverage": 0}}',
    field: 'leverage_settings.leverage',
    message: /received 0/,
  },
  {
    name: 'MA periods 1',
    json: '{"funding_rate_strategy": {"funding_ma_periods": 1}}',
    field: 'funding_rate_strategy.funding_ma_periods',
    message: /an integer >= 2/,
  },
  {
    name: 'a funding interval that does not divide the day',
    json: '{"funding_rate_strategy": {"default_funding_interval_hours": 5}}',
    field: 'funding_rate_strategy.default_funding_interval_hours',
    message: /1, 2, 3, 4, 6, 8, 12 or 24.*received 5/,
  },
  {
    name: 'negative max age',
    json: '{"position_management": {"max_position_age_hours": -1}}',
    field: 'position_management.max_position_age_hours',
    message: /> 0, received -1/,
  },
  {
    name: 'zero loop interval',
    json: '{"position_management": {"loop_interval_seconds": 0}}',
    field: 'position_management.loop_interval_seconds',
  },
  {
    name: 'negative forced-rotation delay',
    json: '{"position_management": {"forced_rotation_min_hours": -2}}',
    field: 'position_management.forced_rotation_min_hours',
    message: />= 0, received -2/,
  },
  {
    name: 'negative leg timeout',
    json: '{"execution": {"leg_timeout_ms": -5000}}',
    field: 'execution.leg_timeout_ms',
  },
  {
    name: 'zero request timeout',
    json: '{"exchange": {"request_timeout_ms": 0}}',
    field: 'exchange.request_timeout_ms',
  },
  {
    name: 'zero spread cap',
    json: '{"filters": {"max_spread_pct": 0}}',
    field: 'filters.max_spread_pct',
    message: /> 0, received 0/,
  },
  {
    name: 'a URL that is not a URL',
    json: '{"exchange": {"futures_url": "fapi.asterdex.com"}}',
    field: 'exchange.futures_url',
    message: /must be a URL starting with http:\/\/ or https:\/\/, received "fapi\.asterdex\.com"/,
  },
  {
    name: 'an ftp URL',
    json: '{"exchange": {"spot_url": "ftp://sapi.asterdex.com"}}',
    field: 'exchange.spot_url',
  },
  {
    name: 'an https URL where a WebSocket URL belongs',
    json: '{"exchange": {"spot_ws_url": "https://sstream.asterdex.com"}}',
    field: 'exchange.spot_ws_url',
    message: /ws:\/\/ or wss:\/\//,
  },
  {
    name: 'a URL with credentials in it',
    json: '{"exchange": {"futures_url": "https://user:pw@fapi.asterdex.com"}}',
    field: 'exchange.futures_url',
    message: /without user name or password/,
  },
  {
    name: 'bad mode',
    json: '{"mode": "demo"}',
    field: 'mode',
    message: /expected one of "sim" \| "paper" \| "live", received "demo"/,
  },
  {
    name: 'bad signing',
    json: '{"exchange": {"signing": "rsa"}}',
    field: 'exchange.signing',
    message: /one of "eip712" \| "hmac" \| "legacy-abi"/,
  },
  {
    name: 'bad network',
    json: '{"exchange": {"network": "devnet"}}',
    field: 'exchange.network',
  },
  {
    name: 'margin type in the wrong case',
    json: '{"execution": {"margin_type": "crossed"}}',
    field: 'execution.margin_type',
  },
  {
    name: 'recvWindow above what Aster accepts',
    json: '{"exchange": {"recv_window_ms": 70000}}',
    field: 'exchange.recv_window_ms',
    message: /<= 60000/,
  },
  {
    name: 'bad log level',
    json: '{"logging": {"level": "verbose"}}',
    field: 'logging.level',
  },
  {
    name: 'empty data dir',
    json: '{"data_dir": ""}',
    field: 'data_dir',
    message: /non-empty string/,
  },
  {
    name: 'zero simulated pairs',
    json: '{"simulator": {"pairs": 0}}',
    field: 'simulator.pairs',
  },
  {
    name: 'a positive short-PnL alarm',
    json: '{"risk": {"short_pnl_warning_pct": 10}}',
    field: 'risk.short_pnl_warning_pct',
    message: /< 0, received 10/,
  },
  {
    name: 'exclude_symbols as a string',
    json: '{"filters": {"exclude_symbols": "BTCUSDT"}}',
    field: 'filters.exclude_symbols',
    message: /received "BTCUSDT"/,
  },
  {
    name: 'a malformed excluded symbol',
    json: '{"filters": {"exclude_symbols": ["ETHUSDT", "BTC/USDT"]}}',
    field: 'filters.exclude_symbols[1]',
    message: /letters and digits/,
  },
  {
    name: 'a section that is not an object',
    json: '{"risk": [1, 2]}',
    field: 'risk',
    message: /expected an object/,
  },
  {
    name: 'critical imbalance below the warning level',
    json: '{"risk": {"imbalance_warning_pct": 6, "imbalance_critical_pct": 4}}',
    field: 'risk.imbalance_critical_pct',
    message: />= risk\.imbalance_warning_pct \(6\), received 4/,
  },
  {
    name: 'an unknown key with a typo',
    json: '{"capital_management": {"capital_fractoin": 0.5}}',
    field: 'capital_management.capital_fractoin',
    message: /unknown key; did you mean capital_management\.capital_fraction\?/,
  },
  {
    name: 'a key in the wrong section',
    json: '{"position_management": {"min_funding_apr": 7}}',
    field: 'position_management.min_funding_apr',
    message: /did you mean funding_rate_strategy\.min_funding_apr\?/,
  },
  {
    name: 'a misspelt section',
    json: '{"filter": {"min_volume_usdt": 1}}',
    field: 'filter',
    message: /did you mean filters\?/,
  },
  {
    name: 'an unknown key with nothing close',
    json: '{"logging": {"colour": true}}',
    field: 'logging.colour',
    message: /unknown key; logging accepts level, max_file_bytes, max_files/,
  },
  {
    name: 'conflicting legacy leverage',
    json: '{"leverage_settings": {"leverage": 3}, "risk_management": {"leverage": 2}}',
    field: 'risk_management.leverage',
    message: /conflicts with leverage_settings\.leverage 3/,
  },
  {
    name: 'an out-of-range legacy leverage',
    json: '{"risk_management": {"leverage": 5}}',
    field: 'risk_management.leverage',
    message: /expected an integer >= 1 and <= 3, received 5/,
  },
];

describe('a malformed config file is rejected with an error naming the key', () => {
  it(`covers at least 20 kinds of mistakes (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const error = configErrorOf(() => parseConfigText(c.json, 'bad.json'));
      expect(error.field).toBe(c.field);
      expect(error.message.startsWith(`${c.field}: `)).toBe(true);
      expect(error.message).toContain('bad.json');
      if (c.message) expect(error.message).toMatch(c.message);
    });
  }

  it('reports every mistake of a file in one error', () => {
    const error = configErrorOf(() =>
      parseConfigText(
        '{"mode": "demo", "capital_management": {"capital_fraction": 2}, "leverage_settings": {"leverage": 9}, "typo": 1}',
        'bad.json',
      ),
    );
    expect(error).toBeInstanceOf(ConfigValidationError);
    const fields = (error as ConfigValidationError).issues.map((i) => i.field).sort();
    expect(fields).toEqual(['capital_management.capital_fraction', 'leverage_settings.leverage', 'mode', 'typo']);
    for (const field of fields) expect(error.message).toContain(field);
  });

  it('carries the received value on the error', () => {
    const error = configErrorOf(() => parseConfigText('{"leverage_settings": {"leverage": 4}}', 'bad.json'));
    expect(error.value).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../../../../src/venue/aster/schemas/json-text.ts';
import {
  parseBookTickerUpdate,
  parseMarkPriceUpdate,
  parseMarkPriceUpdates,
  unwrapStreamMessage,
} from '../../../../../src/venue/aster/schemas/streams.ts';
import { clone, expectInvalid } from './expect-invalid.ts';
import { streamData } from './fixtures.ts';

type Rec = Record<string, unknown>;

describe('stream envelopes', () => {
  it('unwraps a combined-stream message', () => {
    const message = unwrapStreamMessage({ stream: 'btcusdt@markPrice', data: { e: 'markPriceUpdate' } });
    expect(message).toEqual({ kind: 'data', stream: 'btcusdt@markPrice', data: { e: 'markPriceUpdate' } });
  });

  it('passes a raw-connection payload through, arrays included', () => {
    expect(unwrapStreamMessage({ e: 'bookTicker', u: 1 })).toEqual({
      kind: 'data',
      stream: null,
      data: { e: 'bookTicker', u: 1 },
    });
    expect(unwrapStreamMessage([{ e: 'markPriceUpdate' }])).toMatchObject({ kind: 'data', stream: null });
  });

  it('recognises the answer to a SUBSCRIBE request', () => {
    expect(unwrapStreamMessage(parseJsonText('{"result":null,"id":1}', 'ws'))).toEqual({
      kind: 'response',
      id: 1,
      result: null,
    });
  });

  it('rejects an envelope without data or with an empty stream name', () => {
    expectInvalid(
      () => unwrapStreamMessage({ stream: 'btcusdt@markPrice' }, 'fstream'),
      'data',
      'nothing (field absent)',
      'fstream',
    );
    expectInvalid(() => unwrapStreamMessage({ stream: '', data: {} }), 'stream', '""');
  });
});

describe('mark price stream', () => {
  it('reads the recorded payload into the port type', () => {
    const u = parseMarkPriceUpdate(streamData('Futures/MarkPrice.txt'));
    expect(u.symbol).toBe('BTCUSDT');
    expect(u.markPrice.toFixed()).toBe('11794.15');
    expect(u.indexPrice.toFixed()).toBe('11784.62659091');
    expect(u.fundingRate.toFixed()).toBe('0.00038167');
    expect(u.nextFundingTimeMs).toBe(1562306400000);
    expect(u.eventTimeMs).toBe(1562305380000);
  });

  it('reads the !markPrice@arr array', () => {
    const one = streamData('Futures/MarkPrice.txt') as Rec;
    const list = parseMarkPriceUpdates([one, { ...one, s: 'ETHUSDT', p: '3000.1' }]);
    expect(list.map((u) => [u.symbol, u.markPrice.toFixed()])).toEqual([
      ['BTCUSDT', '11794.15'],
      ['ETHUSDT', '3000.1'],
    ]);
  });

  it('rejects a zero mark price (it would fake a stop-loss) and another event type', () => {
    const data = clone(streamData('Futures/MarkPrice.txt')) as Rec;
    expectInvalid(
      () => parseMarkPriceUpdate({ ...data, p: '0' }, 'btcusdt@markPrice'),
      'p',
      '"0"',
      'btcusdt@markPrice',
    );
    expectInvalid(() => parseMarkPriceUpdate({ ...data, e: 'bookTicker' }), 'e', '"bookTicker"');
    expectInvalid(() => parseMarkPriceUpdates([data, { ...data, r: '' }]), '[1].r', '""');
  });
});

describe('bookTicker stream', () => {
  it('reads the futures payload with its times', () => {
    const u = parseBookTickerUpdate(streamData('Futures/BookTicker.txt'), 'perp');
    expect(u.market).toBe('perp');
    expect(u.book.symbol).toBe('BNBUSDT');
    expect(u.book.bidPrice.toFixed()).toBe('25.3519');
    expect(u.book.bidQty.toFixed()).toBe('31.21');
    expect(u.book.askPrice.toFixed()).toBe('25.3652');
    expect(u.book.askQty.toFixed()).toBe('40.66');
    expect(u.updateId).toBe(400900217);
    expect(u.eventTimeMs).toBe(1568014460893);
    expect(u.transactionTimeMs).toBe(1568014460891);
  });

  it('reads the spot payload as documented (no e, E, T) and as captured (with them)', () => {
    const documented = parseBookTickerUpdate(
      { u: 400900217, s: 'BNBUSDT', b: '25.35190000', B: '31.21000000', a: '25.36520000', A: '40.66000000' },
      'spot',
    );
    expect(documented.eventTimeMs).toBeNull();
    expect(documented.transactionTimeMs).toBeNull();
    expect(documented.book.askQty.toFixed()).toBe('40.66');
    const captured = parseBookTickerUpdate(streamData('Spot/BookTicker.txt'), 'spot');
    expect(captured.book.symbol).toBe('ETHUSDT');
    expect(captured.eventTimeMs).toBe(1764235337274);
  });

  it('rejects a missing bid quantity', () => {
    const data = clone(streamData('Spot/BookTicker.txt')) as Rec;
    delete data['B'];
    expectInvalid(() => parseBookTickerUpdate(data, 'spot'), 'B', 'nothing (field absent)');
  });
});

/**
 * A loopback HTTP server that answers the history endpoints (income, userTrades) from an in-memory ledger with
 * Aster's documented rules, including the ones the simulator does not enforce: inclusive time bounds, ascending
 * pages of at most `limit` rows from `startTime`, userTrades windows of at most 7 days, and no `fromId` together
 * with times. Every request is recorded so tests can check what the venue asked for.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IncomeRow {
  symbol: string;
  incomeType: string;
  income: string;
  asset: string;
  time: number;
  tranId: string;
  tradeId: string;
}

export interface TradeRow {
  id: number;
  time: number;
}

export interface HistoryServer {
  url: string;
  /** Query parameters of every request, per path. */
  requests: Array<{ path: string; params: Record<string, string> }>;
  income: IncomeRow[];
  trades: TradeRow[];
  close(): Promise<void>;
}

const WEEK_MS = 7 * 24 * 3_600_000;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function int(params: Record<string, string>, key: string): number | undefined {
  const raw = params[key];
  return raw === undefined ? undefined : Number(raw);
}

function tradeBody(row: TradeRow) {
  return {
    symbol: 'BTCUSDT',
    id: row.id,
    orderId: row.id * 10,
    side: 'BUY',
    price: '100000',
    qty: '0.001',
    quoteQty: '100',
    commission: '0.035',
    commissionAsset: 'USDT',
    realizedPnl: '0',
    maker: false,
    buyer: true,
    positionSide: 'BOTH',
    time: row.time,
  };
}

export async function startHistoryServer(): Promise<HistoryServer> {
  const state: Omit<HistoryServer, 'url' | 'close'> = { requests: [], income: [], trades: [] };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = Object.fromEntries(url.searchParams.entries());
    state.requests.push({ path: url.pathname, params });
    const limit = int(params, 'limit') ?? 100;
    const start = int(params, 'startTime');
    const end = int(params, 'endTime');
    const inRange = (t: number) => (start === undefined || t >= start) && (end === undefined || t <= end);

    if (url.pathname.endsWith('/income')) {
      const rows = state.income
        .filter((r) => inRange(r.time) && (params['incomeType'] === undefined || r.incomeType === params['incomeType']))
        .sort((a, b) => a.time - b.time);
      send(res, 200, rows.slice(0, limit));
      return;
    }
    if (url.pathname.endsWith('/userTrades')) {
      const fromId = int(params, 'fromId');
      if (fromId !== undefined && (start !== undefined || end !== undefined)) {
        send(res, 400, { code: -1128, msg: 'Combination of optional parameters invalid.' });
        return;
      }
      if (start !== undefined && end !== undefined && end - start > WEEK_MS) {
        send(res, 400, { code: -1127, msg: 'More than 7 days between startTime and endTime.' });
        return;
      }
      const rows = state.trades
        .filter((t) => (fromId === undefined ? inRange(t.time) : t.id >= fromId))
        .sort((a, b) => a.id - b.id);
      send(res, 200, rows.slice(0, limit).map(tradeBody));
      return;
    }
    if (url.pathname.endsWith('/time')) {
      send(res, 200, { serverTime: Date.now() });
      return;
    }
    send(res, 404, { code: -1000, msg: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

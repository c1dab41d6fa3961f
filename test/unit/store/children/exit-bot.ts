/**
 * A minimal stand-in for the running bot's side of exit coordination: holds the store, polls for exit
 * requests, closes its position through the store and reports. Usage: exit-bot.ts <dataDir>
 */
import { dec } from '../../../../src/domain/decimal.ts';
import { openStore } from '../../../../src/store/index.ts';

const dataDir = process.argv[2] as string;
const store = openStore(dataDir, { command: 'dnfarm run (exit-bot)' });
const position = store.positions.create({
  symbol: 'ETHUSDT',
  spotSymbol: 'ETHUSDT',
  baseAsset: 'ETH',
  quoteAsset: 'USDT',
  leverage: 2,
  notionalUsdt: dec('1000'),
});
store.positions.markOpen(position.id, {
  openedAtMs: store.nowMs(),
  spotQtyGross: dec('0.4'),
  spotQtyNet: dec('0.4'),
  perpQty: dec('0.4'),
  spotAvgPrice: dec('2500'),
  perpAvgPrice: dec('2500'),
  notionalUsdt: dec('1000'),
  entryFeesUsdt: dec('0.7'),
  volumeUsdt: dec('2000'),
});
process.stdout.write(`ready ${process.pid}\n`);

const timer = setInterval(() => {
  const request = store.exitRequests.pending();
  if (!request || !store.exitRequests.acknowledge(request.id)) return;
  process.stdout.write(`acknowledged ${request.id}\n`);
  store.positions.markClosing(position.id, `exit requested by ${request.requestedBy}`);
  const closed = store.positions.markClosed(position.id, {
    closedAtMs: store.nowMs(),
    exitSpotQty: dec('0.4'),
    exitPerpQty: dec('0.4'),
    exitSpotAvgPrice: dec('2510'),
    exitPerpAvgPrice: dec('2510'),
    exitFeesUsdt: dec('0.7'),
    volumeUsdt: dec('4008'),
    pnl: { spotUsdt: dec('4'), perpUsdt: dec('-4'), fundingUsdt: dec('1.5'), feesUsdt: dec('1.4') },
    closeReason: 'exit request',
  });
  store.exitRequests.complete(request.id, `closed position ${closed.id}, realised ${closed.pnl?.totalUsdt.toFixed()}`);
  clearInterval(timer);
  store.close();
  process.stdout.write('done\n');
}, 20);

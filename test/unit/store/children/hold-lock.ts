/** Opens a store as a writer and holds it until killed or sent SIGTERM. Usage: hold-lock.ts <dataDir> */
import { openStore } from '../../../../src/store/index.ts';

const dataDir = process.argv[2] as string;
const store = openStore(dataDir, { command: 'dnfarm run --test-holder' });
process.stdout.write(`ready ${process.pid} ${store.lock?.previousHolder?.pid ?? 'none'}\n`);
const keepAlive = setInterval(() => {}, 1000);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  store.close();
  process.exit(0);
});

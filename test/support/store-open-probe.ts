/**
 * Opens a store in a separate process (possibly with fewer privileges) and prints the outcome as JSON:
 * {"ok":true} or {"ok":false,"name":…,"message":…,"exitCode":…}.
 * Usage: node --import tsx test/support/store-open-probe.ts DB
 */
import {openStore, StoreError} from '../../source/store/index.js';

const db = process.argv[2];
try {
  const store = await openStore({url: db});
  store.close();
  process.stdout.write(JSON.stringify({ok: true}) + '\n');
} catch (error) {
  const e = error as Error & {exitCode?: number};
  process.stdout.write(
    JSON.stringify({
      ok: false,
      name: e.name,
      storeError: error instanceof StoreError,
      message: e.message,
      exitCode: e.exitCode,
    }) + '\n',
  );
}

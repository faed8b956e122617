/**
 * A separate process recording versions into a store, for the concurrency tests.
 * Usage: node --import tsx test/support/store-record-worker.ts DB SERVICE COUNT TAG [MAX_PAUSE_MS]
 * Opens the store, prints "ready", waits for a line on stdin, records COUNT versions with distinct spec
 * hashes and prints {"numbers":[…],"startedAt":ms,"endedAt":ms} (the number each record got, in order,
 * and when the first record started and the last one ended). With MAX_PAUSE_MS it idles a random
 * 0..MAX_PAUSE_MS between records, as real writers do, so the lock changes hands often.
 */
import {openStore} from '../../source/store/index.js';
import {recordInput} from './store.js';

const [db, service, countText, tag, pauseText] = process.argv.slice(2);
const maxPauseMs = Number(pauseText ?? 0);
if (db === undefined || service === undefined || countText === undefined || tag === undefined) {
  process.stderr.write('usage: store-record-worker DB SERVICE COUNT TAG\n');
  process.exit(2);
}
const store = await openStore({url: db});
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const numbers: number[] = [];
const startedAt = Date.now();
for (let i = 0; i < Number(countText); i++) {
  const {row, created} = await store.versions.record(recordInput(service, `${tag}-${i}`));
  if (!created) throw new Error(`record ${i} was not created`);
  numbers.push(row.number);
  if (maxPauseMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * maxPauseMs));
}
const endedAt = Date.now();
store.close();
process.stdout.write(JSON.stringify({numbers, startedAt, endedAt}) + '\n');
process.stdin.destroy();

/**
 * A separate process recording stack revisions, for the concurrency test.
 * Usage: node --import tsx test/support/stack-record-worker.ts DB STACK COUNT
 * Opens the store, prints "ready", waits for a line on stdin, records revisions whose members run
 * web v1…vCOUNT (the same sequence another worker records), and prints {"created":[numbers]}.
 */
import {openStore} from '../../source/store/index.js';

const [db, stack, countText] = process.argv.slice(2);
if (db === undefined || stack === undefined || countText === undefined) {
  process.stderr.write('usage: stack-record-worker DB STACK COUNT\n');
  process.exit(2);
}
const store = await openStore({url: db});
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.destroy();
const created: number[] = [];
for (let i = 1; i <= Number(countText); i++) {
  const {row, created: isNew} = await store.stacks.record({stack, members: {web: i, worker: 1}, source: 'recorded'});
  if (isNew) created.push(row.number);
}
store.close();
process.stdout.write(`${JSON.stringify({created})}\n`);

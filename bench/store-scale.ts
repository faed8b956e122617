/**
 * How the history store behaves with a long history: records N versions of one service (default
 * 10,000) through the real `record()`, then times the reads a console makes and one more record, and
 * reports the database size per version. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/store-scale.ts [COUNT]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {createClient} from '@libsql/client';
import {makeSnapshot} from '../source/domain/snapshot.js';
import {fileUrl, openStore, type RecordInput, type Snapshot} from '../source/store/index.js';

const count = Number(process.argv[2] ?? 10_000);
const service = 'bench-web';

/** A snapshot about the size of a real service's: full spec plus its view (built by the domain). */
function snapshot(i: number): Snapshot {
  const ref = `registry.example/team/web:1.${i}`;
  const env = Array.from({length: 20}, (_, k) => `VAR_${k}=value-${k}-${i % 7}`);
  const labels = Object.fromEntries(Array.from({length: 8}, (_, k) => [`com.example.label${k}`, `v${k}`]));
  const spec = {
    Name: service,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: `${ref}@sha256:${String(i).padStart(64, '0')}`,
        Env: env,
        Args: ['serve', '--port', '8080'],
        Mounts: [{Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false}],
        Healthcheck: {Test: ['CMD', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/health'], Interval: 5e9},
        Secrets: [{SecretID: 'abc', SecretName: 'db-password', File: {Name: 'db-password'}}],
      },
      Resources: {Limits: {NanoCPUs: 5e8, MemoryBytes: 268435456}},
      RestartPolicy: {Condition: 'any', MaxAttempts: 0},
      Placement: {Constraints: ['node.role==worker']},
      ForceUpdate: 0,
    },
    Mode: {Replicated: {Replicas: 3}},
    UpdateConfig: {Parallelism: 1, Delay: 5e9, FailureAction: 'rollback', Order: 'start-first'},
    EndpointSpec: {Ports: [{TargetPort: 8080, Protocol: 'tcp', PublishMode: 'host'}]},
  };
  const repoDigest = `registry.example/team/web@sha256:${String(i).padStart(64, '0')}`;
  return makeSnapshot(spec, {ref, repoDigest, pinned: repoDigest});
}

function input(i: number): RecordInput {
  return {serviceName: service, serviceId: 'svc-id', snapshot: snapshot(i), specHash: `hash-${i}`, source: 'recorded'};
}

async function timed<T>(label: string, runs: number, work: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await work();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  console.log(`${label.padEnd(44)} median ${median.toFixed(2)} ms  (min ${samples[0]?.toFixed(2)}, max ${samples.at(-1)?.toFixed(2)}, ${runs} runs)`);
  return result as T;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-'));
const file = path.join(dir, 'history.db');
try {
  const store = await openStore({url: file});
  const t0 = performance.now();
  let firstThousand = 0;
  for (let i = 1; i <= count; i++) {
    await store.versions.record(input(i));
    if (i === Math.min(1000, count)) firstThousand = performance.now() - t0;
  }
  const total = performance.now() - t0;
  console.log(`recorded ${count} versions of one service in ${(total / 1000).toFixed(1)} s`);
  console.log(`  mean per record: first 1000 ${(firstThousand / Math.min(1000, count)).toFixed(2)} ms, overall ${(total / count).toFixed(2)} ms`);
  await store.versions.setHealth((await store.versions.get(service, 1))!.id, 'good');

  const all = await timed(`list all ${count} (parse every snapshot)`, 5, () => store.versions.list(service));
  const raw = createClient({url: fileUrl(file)});
  await timed(`  of which libSQL reading the rows`, 5, () =>
    raw.execute({sql: 'SELECT * FROM versions WHERE service_name = ? ORDER BY number DESC', args: [service]}),
  );
  raw.close();
  await timed('list newest 50', 20, () => store.versions.list(service, {limit: 50}));
  await timed('latest', 20, () => store.versions.latest(service));
  await timed('get v1', 20, () => store.versions.get(service, 1));
  await timed('findByHash (oldest)', 20, () => store.versions.findByHash(service, 'hash-1'));
  await timed('lastKnownGood (only v1 is good)', 20, () => store.versions.lastKnownGood(service));
  await timed('services()', 20, () => store.versions.services());
  let next = count;
  const rec = await timed('record one more (new hash)', 20, () => store.versions.record(input(++next)));
  await timed('record one more (same hash: no-op)', 20, () => store.versions.record(input(next)));
  console.log(`  list returned ${all.length} rows; last record got v${rec.row.number}`);
  store.close();

  const client = createClient({url: fileUrl(file)});
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const pages = await client.execute('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
  const json = await client.execute('SELECT AVG(LENGTH(snapshot_json)) AS avg FROM versions');
  client.close();
  const bytes = fs.statSync(file).size;
  const versions = next;
  console.log(`database: ${(bytes / 1024 / 1024).toFixed(1)} MiB for ${versions} versions = ${(bytes / versions / 1024).toFixed(2)} KiB per version`);
  console.log(`  (page bytes ${Number(pages.rows[0]?.bytes)}, mean snapshot_json ${Math.round(Number(json.rows[0]?.avg))} bytes)`);
} finally {
  fs.rmSync(dir, {recursive: true, force: true});
}

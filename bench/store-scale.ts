/**
 * Figure 7: the history store with a long history, through the real `record()`:
 *   A. one service with COUNT versions (default 10,000): the reads a console makes, listing all of
 *      them (and where that time goes), diffing two versions, recording one more, the database size
 *      per version, and the built CLI's own wall time for `history` and `diff` on that service
 *      (its default newest 50 and --all, offline and against the daemon), next to `history` of a
 *      one-version service (the CLI's fixed cost);
 *   B. SERVICES services with PER versions each (default 100 × 100): the same reads on one of them,
 *      services(), one more record, size per version, and `history` of one service.
 * Prints figures; asserts nothing. The CLI figures need `npm run build` first.
 *
 *   node --import tsx bench/store-scale.ts [COUNT=10000] [SERVICES=100] [PER=100]
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {createClient} from '@libsql/client';
import {diffSnapshots, summarizeDiff} from '../source/domain/diff.js';
import {makeSnapshot} from '../source/domain/snapshot.js';
import {loadHistory} from '../source/services/history-query.js';
import {renderTable} from '../source/cli/table.js';
import {fileUrl, openStore, type RecordInput, type Snapshot, type Store} from '../source/store/index.js';

const count = Number(process.argv[2] ?? 10_000);
const serviceCount = Number(process.argv[3] ?? 100);
const perService = Number(process.argv[4] ?? 100);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

/** A snapshot about the size of a real service's: full spec plus its view (built by the domain). */
function snapshot(service: string, i: number): Snapshot {
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

function input(service: string, i: number): RecordInput {
  return {
    serviceName: service,
    serviceId: `id-${service}`,
    snapshot: snapshot(service, i),
    specHash: `hash-${service}-${i}`,
    source: 'recorded',
  };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function line(label: string, samples: number[], unit = 'ms'): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  console.log(
    `${label.padEnd(64)} median ${fmt(median(samples))} ${unit}  (min ${fmt(sorted[0]!)}, max ${fmt(sorted.at(-1)!)}, n=${samples.length})`,
  );
}

async function timed<T>(label: string, runs: number, work: () => Promise<T> | T): Promise<T> {
  let result: T | undefined;
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await work();
    samples.push(performance.now() - t0);
  }
  line(label, samples);
  return result as T;
}

/** Wall time of the built CLI, `runs` times. */
function cli(label: string, runs: number, args: string[]): void {
  if (!fs.existsSync(CLI)) {
    console.log(`${label.padEnd(64)} skipped: dist/cli/main.js is missing (npm run build)`);
    return;
  }
  const samples: number[] = [];
  let bytes = 0;
  const {DOCKER_HOST: _host, ...env} = process.env;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const run = spawnSync('node', [CLI, ...args], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env});
    samples.push(performance.now() - t0);
    if (run.status !== 0) throw new Error(`dokroll-tui ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    bytes = run.stdout.length;
  }
  line(`${label} (${Math.round(bytes / 1024)} KiB out)`, samples);
}

async function recordMany(store: Store, services: string[], per: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 1; i <= per; i++) for (const service of services) await store.versions.record(input(service, i));
  return performance.now() - t0;
}

async function dbSize(file: string): Promise<{bytes: number; jsonMean: number}> {
  const client = createClient({url: fileUrl(file)});
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const json = await client.execute('SELECT AVG(LENGTH(snapshot_json)) AS avg FROM versions');
  client.close();
  return {bytes: fs.statSync(file).size, jsonMean: Math.round(Number(json.rows[0]?.avg))};
}

async function oneServiceAtScale(dir: string): Promise<void> {
  const file = path.join(dir, 'one.db');
  const service = 'bench-web';
  const store = await openStore({url: file, env: {}});
  const t0 = performance.now();
  await recordMany(store, [service], Math.min(1000, count));
  const firstThousand = performance.now() - t0;
  if (count > 1000) {
    for (let i = 1001; i <= count; i++) await store.versions.record(input(service, i));
  }
  const total = performance.now() - t0;
  await store.versions.record(input('bench-small', 1));
  console.log(`A. one service, ${count} versions — recorded in ${(total / 1000).toFixed(1)} s`);
  console.log(
    `  mean per record: first 1000 ${(firstThousand / Math.min(1000, count)).toFixed(2)} ms, overall ${(total / count).toFixed(2)} ms`,
  );
  await store.versions.setHealth((await store.versions.get(service, 1))!.id, 'good');

  const all = await timed(`list all ${count} (parse every snapshot)`, 5, () => store.versions.list(service));
  const raw = createClient({url: fileUrl(file)});
  await timed('  of which libSQL reading the rows', 5, () =>
    raw.execute({sql: 'SELECT * FROM versions WHERE service_name = ? ORDER BY number DESC', args: [service]}),
  );
  raw.close();
  await timed(`  one-line summaries of all ${count} (diff each with the one before)`, 3, () =>
    all.map((row, i) => (all[i + 1] ? summarizeDiff(diffSnapshots(all[i + 1]!.snapshot.view, row.snapshot.view)) : '')),
  );
  await timed(`loadHistory, all ${count} (list + summaries, offline)`, 3, () => loadHistory(null, store, service));
  const cells = all.map((r) => [
    `v${r.number}`,
    ' ',
    '3d',
    r.source,
    r.health,
    r.snapshot.view.image,
    'registry',
    '3',
    'image, env ~3',
  ]);
  await timed(`  the history table of ${count} rows`, 3, () =>
    renderTable(['VERSION', 'LIVE', 'AGE', 'SOURCE', 'HEALTH', 'IMAGE', 'KEPT IN', 'REPLICAS', 'CHANGES'], cells),
  );
  await timed('list newest 50', 20, () => store.versions.list(service, {limit: 50}));
  await timed('loadHistory, newest 50 (what `history` lists by default)', 20, () =>
    loadHistory(null, store, service, {limit: 50}),
  );
  await timed('latest', 20, () => store.versions.latest(service));
  await timed('get v1', 20, () => store.versions.get(service, 1));
  await timed('findByHash (oldest)', 20, () => store.versions.findByHash(service, `hash-${service}-1`));
  await timed('lastKnownGood (only v1 is good)', 20, () => store.versions.lastKnownGood(service));
  await timed('services()', 20, () => store.versions.services());
  await timed(`diff v1 ↔ v${count} (2 gets + diff)`, 20, async () => {
    const [a, b] = await Promise.all([store.versions.get(service, 1), store.versions.get(service, count)]);
    return diffSnapshots(a!.snapshot.view, b!.snapshot.view);
  });
  let next = count;
  const rec = await timed('record one more (new hash)', 20, () => store.versions.record(input(service, ++next)));
  await timed('record one more (same hash: no-op)', 20, () => store.versions.record(input(service, next)));
  console.log(`  list returned ${all.length} rows; last record got v${rec.row.number}`);
  store.close();

  const size = await dbSize(file);
  console.log(
    `database: ${(size.bytes / 1024 / 1024).toFixed(1)} MiB for ${next + 1} versions = ${(size.bytes / (next + 1) / 1024).toFixed(2)} KiB per version (mean snapshot_json ${size.jsonMean} bytes)`,
  );

  const db = ['--db', `file:${file}`];
  cli(`CLI: history bench-small --offline (1 version)`, 5, ['history', 'bench-small', '--offline', ...db]);
  cli(`CLI: history bench-web --offline (newest 50 of ${next})`, 5, ['history', service, '--offline', ...db]);
  cli(`CLI: history bench-web --offline --json (newest 50)`, 5, ['history', service, '--offline', '--json', ...db]);
  cli(`CLI: history bench-web (newest 50, with the daemon)`, 5, ['history', service, ...db]);
  cli(`CLI: history bench-web --offline --all (${next} versions)`, 3, [
    'history',
    service,
    '--offline',
    '--all',
    ...db,
  ]);
  cli(`CLI: diff bench-web v1 v${count} --offline`, 5, ['diff', service, 'v1', `v${count}`, '--offline', ...db]);
}

async function manyServicesAtScale(dir: string): Promise<void> {
  const file = path.join(dir, 'many.db');
  const services = Array.from({length: serviceCount}, (_, i) => `bench-svc-${String(i + 1).padStart(3, '0')}`);
  const store = await openStore({url: file, env: {}});
  const total = await recordMany(store, services, perService);
  const versions = serviceCount * perService;
  console.log(
    `\nB. ${serviceCount} services × ${perService} versions — recorded in ${(total / 1000).toFixed(1)} s (mean ${(total / versions).toFixed(2)} ms per record)`,
  );
  const service = services[Math.floor(serviceCount / 2)]!;
  await timed(`list all ${perService} of one service`, 10, () => store.versions.list(service));
  await timed(`loadHistory of one service (list + summaries)`, 10, () => loadHistory(null, store, service));
  await timed('list newest 50', 20, () => store.versions.list(service, {limit: 50}));
  await timed('latest', 20, () => store.versions.latest(service));
  await timed('findByHash (oldest)', 20, () => store.versions.findByHash(service, `hash-${service}-1`));
  await timed(`findByHash for every service (the console: once per 30 s)`, 5, () =>
    Promise.all(services.map((s) => store.versions.findByHash(s, `hash-${s}-${perService}`))),
  );
  await timed(`services() (${serviceCount} services)`, 20, () => store.versions.services());
  await timed(`diff v1 ↔ v${perService} of one service`, 20, async () => {
    const [a, b] = await Promise.all([store.versions.get(service, 1), store.versions.get(service, perService)]);
    return diffSnapshots(a!.snapshot.view, b!.snapshot.view);
  });
  let next = perService;
  await timed('record one more (new hash)', 20, () => store.versions.record(input(service, ++next)));
  store.close();
  const size = await dbSize(file);
  const stored = versions + (next - perService);
  console.log(
    `database: ${(size.bytes / 1024 / 1024).toFixed(1)} MiB for ${stored} versions = ${(size.bytes / stored / 1024).toFixed(2)} KiB per version`,
  );
  cli(`CLI: history ${service} --offline (${next} versions)`, 5, [
    'history',
    service,
    '--offline',
    '--db',
    `file:${file}`,
  ]);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-'));
try {
  console.log(`Figure 7 — history at scale (load ${os.loadavg()[0]!.toFixed(2)}, ${os.cpus().length} cores)`);
  await oneServiceAtScale(dir);
  await manyServicesAtScale(dir);
  console.log(`(load at the end ${os.loadavg()[0]!.toFixed(2)})`);
} finally {
  fs.rmSync(dir, {recursive: true, force: true});
}

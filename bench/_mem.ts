import fs from 'node:fs';
import {randomBytes} from 'node:crypto';
import {dockerApiGet, filtersQuery} from '../test/support/docker-api.js';
import {fixtureImageId, removeServices, testbed} from '../test/support/swarm.js';
import {ConsolePty} from './console-pty.js';
import {DOCKER, must, sleep} from './kit.js';
const n = 50;
const prefix = `bench-mem-${randomBytes(2).toString('hex')}`;
const names = Array.from({length: n}, (_, i) => `${prefix}-${i}`);
const image = await fixtureImageId('v1');
fs.rmSync('/tmp/bx/heap', {recursive: true, force: true}); fs.mkdirSync('/tmp/bx/heap');
const rollup = (pid: number) => fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').filter((l) => /^(Rss|Anonymous|Pss_File|Pss_Anon)/.test(l)).join(' | ').replace(/\s+/g, ' ');
try {
  let next = 0;
  await Promise.all(Array.from({length: 8}, async () => { while (next < names.length) { const name = names[next++]!; await must(DOCKER, ['service', 'create', '--quiet', '--detach', '--name', name, '--label', `${testbed.serviceLabel}=1`, '--replicas', '3', image]); } }));
  for (;;) {
    const s = await dockerApiGet<any[]>(`/services?status=true&${filtersQuery({label: [`${testbed.serviceLabel}=1`]})}`);
    const r = new Map(s.map((x) => [x.Spec.Name, x.ServiceStatus?.RunningTasks]));
    if (names.every((x) => r.get(x) === 3)) break;
    await sleep(1000);
  }
  for (const args of [[], ['--no-record']]) {
    fs.rmSync('/tmp/bx/mem.db', {force: true});
    const pty = await ConsolePty.start('/tmp/bx', {args: ['--db', 'file:/tmp/bx/mem.db', ...args], nodeArgs: ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir=/tmp/bx/heap'], env: {DOCKER_HOST: 'unix:///var/run/docker.sock'}});
    const pid = await pty.pid();
    for (const t of [5, 20, 45, 70]) {
      await sleep((t - (t === 5 ? 0 : [5, 20, 45, 70][[5, 20, 45, 70].indexOf(t) - 1]!)) * 1000);
      console.log(args.join(' ') || 'recorder', `t=${t}s`, rollup(pid));
    }
    process.kill(pid, 'SIGUSR2');
    await sleep(8000);
    await pty.stop();
  }
} finally {
  for (let i = 0; i < names.length; i += 25) await removeServices(names.slice(i, i + 25));
}

/**
 * Loaded into the CLI under test with `node --import` (bench/rollback-startup.ts): when the CLI
 * sends the service update (POST /services/ID/update, the spec write), notes the process's CPU
 * time (user + sys) and the time since the process started, and at exit writes them as one JSON
 * line to the file named by DOKROLL_PROBE_FILE, with the Docker API requests before that point.
 * With DOKROLL_PROBE_PROFILE=FILE it also writes a V8 CPU profile of the run up to the spec write.
 */
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import {performance} from 'node:perf_hooks';
import process from 'node:process';

const out = process.env.DOKROLL_PROBE_FILE;
const profileFile = process.env.DOKROLL_PROBE_PROFILE;
const session = profileFile ? new inspector.Session() : null;
if (session) {
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', {interval: 200});
  session.post('Profiler.start');
}
function stopProfile() {
  session?.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(profileFile, JSON.stringify(result.profile));
  });
}

if (out) {
  const result = {applyAtMs: null, applyCpuMs: null, requestsBefore: 0, exitCpuMs: null};
  const request = http.request;
  http.request = function (...args) {
    const opts = typeof args[0] === 'object' && args[0] !== null ? args[0] : {};
    const path = String(opts.path || '');
    if (result.applyAtMs === null) {
      if (opts.method === 'POST' && /\/services\/[^/]+\/update/.test(path)) {
        const cpu = process.cpuUsage();
        result.applyAtMs = performance.now();
        result.applyCpuMs = (cpu.user + cpu.system) / 1000;
        stopProfile();
      } else result.requestsBefore += 1;
    }
    return request.apply(this, args);
  };
  process.once('exit', () => {
    const cpu = process.cpuUsage();
    result.exitCpuMs = (cpu.user + cpu.system) / 1000;
    fs.appendFileSync(out, `${JSON.stringify(result)}\n`);
  });
}

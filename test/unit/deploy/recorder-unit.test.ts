import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../../support/testbed.js';

const run = promisify(execFile);
const UNIT = path.join(REPO_ROOT, 'deploy', 'dokroll-recorder.service');
const ANALYZE = '/usr/bin/systemd-analyze';

describe('the shipped systemd unit for the recorder', () => {
  it('runs `dokroll-tui record` and restarts it', () => {
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toMatch(/^ExecStart=.*dokroll-tui record$/m);
    expect(text).toMatch(/^Restart=always$/m);
    expect(text).toMatch(/^Environment=DOKROLL_DB=/m);
  });

  it.skipIf(!existsSync(ANALYZE))('passes systemd-analyze verify', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-unit-'));
    try {
      const copy = path.join(dir, 'dokroll-recorder.service');
      writeFileSync(copy, readFileSync(UNIT, 'utf8'));
      const {stderr} = await run(ANALYZE, ['verify', copy], {timeout: 60_000});
      // verify exits 0 with warnings on stderr for lines it ignores: there must be none about our unit.
      expect(stderr.split('\n').filter((l) => l.includes('dokroll-recorder.service'))).toEqual([]);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});

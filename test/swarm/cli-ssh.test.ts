import {copyFileSync, mkdirSync, mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {createTestService, testbed} from '../support/swarm.js';

describe('the CLI over DOCKER_HOST=ssh://', () => {
  it('records, lists history and diffs through a real sshd, checking the host key', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'dokroll-ssh-home-'));
    mkdirSync(path.join(home, '.ssh'), {mode: 0o700});
    copyFileSync(testbed.ssh.knownHostsPath, path.join(home, '.ssh', 'known_hosts'));
    const db = path.join(home, 'history.db');
    const env = {HOME: home, DOCKER_HOST: testbed.ssh.url, DOKROLL_SSH_KEY: testbed.ssh.keyPath, SSH_AUTH_SOCK: ''};
    const service = await createTestService({
      prefix: 'clissh',
      env: {APP_MESSAGE: 'over-ssh'},
      health: false,
      wait: true,
    });

    const snap = await runCli(['snapshot', service.name, '--db', db], {env});
    expect(snap.code, snap.stderr).toBe(0);
    expect(snap.stdout).toContain(`recorded ${service.name} v1`);

    const history = await runCli(['history', service.name, '--db', db, '--json'], {env});
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)).toMatchObject([{version: 1, live: true}]);

    const diff = await runCli(['diff', service.name, 'v1', '--db', db], {env});
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('no differences');

    // Without the host key in known_hosts the connection is refused with a clear instruction.
    const stranger = mkdtempSync(path.join(os.tmpdir(), 'dokroll-ssh-stranger-'));
    const refused = await runCli(['history', service.name, '--db', db], {env: {...env, HOME: stranger}});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/host key/i);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});

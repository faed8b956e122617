/**
 * Real `docker stack deploy` for the stack tests: a compose file written per deploy, deployed with the
 * test bed's Docker CLI, and every stack removed at the end of the test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll} from 'vitest';
import {docker, dockerOk} from './docker-cli.js';
import {testbed} from './testbed.js';
import {waitFor} from './wait.js';

const stacks = new Set<string>();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-stack-'));

/** `docker stack rm` of every stack deployed here (after each test file; benchmarks call it themselves). */
export async function removeStacks(): Promise<void> {
  for (const stack of stacks) await docker(['stack', 'rm', stack]);
  stacks.clear();
  fs.rmSync(dir, {recursive: true, force: true});
}

try {
  afterAll(removeStacks, 60_000);
} catch {
  // Imported outside a test file (a benchmark): it calls removeStacks itself.
}

export interface StackServiceSpec {
  image: string;
  env?: Record<string, string>;
  replicas?: number;
  command?: string[];
  /** The fixture's health check (`wget …/health`, every 250 ms, timeout 3 s, 1 retry unless set below); default none. */
  health?: boolean;
  healthRetries?: number;
  healthInterval?: string;
  healthTimeout?: string;
  /** Port 8080 published in host mode on an ephemeral port per task (for a load generator); default none. */
  publish?: boolean;
  /** Update and rollback parallelism (default 0: all at once). */
  parallelism?: number;
}

/** A compose file for `services`, on one attachable overlay network, with fast start-first updates. */
export function composeFile(services: Record<string, StackServiceSpec>): string {
  const lines = ['version: "3.8"', 'services:'];
  for (const [name, spec] of Object.entries(services)) {
    lines.push(`  ${name}:`, `    image: ${JSON.stringify(spec.image)}`);
    if (spec.command) lines.push(`    command: ${JSON.stringify(spec.command)}`);
    if (spec.env && Object.keys(spec.env).length > 0) {
      lines.push('    environment:');
      for (const [key, value] of Object.entries(spec.env)) lines.push(`      ${key}: ${JSON.stringify(value)}`);
    }
    if (spec.health) {
      lines.push(
        '    healthcheck:',
        `      test: ${JSON.stringify(['CMD-SHELL', testbed.healthCmd])}`,
        `      interval: ${spec.healthInterval ?? `${testbed.healthIntervalMs}ms`}`,
        `      timeout: ${spec.healthTimeout ?? '3s'}`,
        `      retries: ${spec.healthRetries ?? 1}`,
      );
    }
    if (spec.publish) lines.push('    ports: [{target: 8080, mode: host}]');
    const parallelism = spec.parallelism ?? 0;
    lines.push(
      '    networks: [back]',
      '    deploy:',
      `      replicas: ${spec.replicas ?? 1}`,
      `      labels: {${JSON.stringify(testbed.serviceLabel)}: "1"}`,
      `      update_config: {parallelism: ${parallelism}, delay: 0s, order: start-first, monitor: 1ms}`,
      `      rollback_config: {parallelism: ${parallelism}, delay: 0s, order: start-first, monitor: 1ms}`,
    );
  }
  lines.push('networks:', '  back: {driver: overlay, attachable: true}');
  return `${lines.join('\n')}\n`;
}

/** `docker stack deploy` of these services as `stack` (extra flags such as --prune allowed). */
export async function deployStack(
  stack: string,
  services: Record<string, StackServiceSpec>,
  extra: string[] = [],
): Promise<void> {
  stacks.add(stack);
  const file = path.join(dir, `${stack}-${Date.now()}.yml`);
  fs.writeFileSync(file, composeFile(services));
  await dockerOk(['stack', 'deploy', '--resolve-image', 'never', ...extra, '-c', file, stack], {timeoutMs: 90_000});
}

/** Waits until every service of the stack runs its desired replicas on its current spec. */
export async function waitStackConverged(stack: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => {
      const out = await dockerOk([
        'service',
        'ls',
        '--filter',
        `label=com.docker.stack.namespace=${stack}`,
        '--format',
        '{{.Replicas}}',
      ]);
      const lines = out.trim().split('\n').filter(Boolean);
      if (lines.length === 0) return null;
      return lines.every((line) => {
        const [running, desired] = line.split(' ')[0]!.split('/');
        return running === desired;
      })
        ? true
        : null;
    },
    {timeoutMs, intervalMs: 250, what: `stack ${stack} to converge`},
  );
}

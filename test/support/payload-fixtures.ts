/**
 * Real Engine API payloads recorded from a swarm (test/fixtures/payloads), parsed with the same
 * schemas the gateway uses, so a schema change that rejects real data fails here too.
 *
 * Rollout sequences were recorded by polling GET /services/{id} and GET /tasks every ~50 ms around
 * one update; only polls that differed from the previous one were kept. `at` is ms since polling
 * started, `updateCalledAt` when the update request returned, `before` the service and tasks just
 * before the update.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {z} from 'zod';
import {ServiceSchema, TaskSchema, parsePayload, type Service, type Task} from '../../source/docker/schemas.js';
import type {ContainerHealth} from '../../source/domain/task-state.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'payloads');

export function readPayload(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
}

export const loadService = (name: string): Service => parsePayload(ServiceSchema, name, readPayload(name));
export const loadTasks = (name: string): Task[] => parsePayload(z.array(TaskSchema), name, readPayload(name));

export interface RolloutFrame {
  at: number;
  service: Service;
  tasks: Task[];
  containerHealth?: Record<string, ContainerHealth>;
}

export interface RolloutRecording {
  scenario: string;
  updateCalledAt: number;
  before: {service: Service; tasks: Task[]};
  frames: RolloutFrame[];
}

const HealthMap = z.record(z.string(), z.enum(['starting', 'healthy', 'unhealthy']));
const RecordingSchema = z.object({
  scenario: z.string(),
  updateCalledAt: z.number(),
  before: z.object({service: ServiceSchema, tasks: z.array(TaskSchema)}),
  frames: z.array(
    z.object({
      at: z.number(),
      service: ServiceSchema,
      tasks: z.array(TaskSchema),
      containerHealth: HealthMap.optional(),
    }),
  ),
});

export type RolloutFixture =
  | 'rollout-start-first'
  | 'rollout-rolled-back'
  | 'rollout-unhealthy-rolled-back'
  | 'rollout-paused'
  | 'rollout-global-forced'
  | 'rollout-crash-loop'
  | 'rollout-ports-only';

export function loadRollout(name: RolloutFixture): RolloutRecording {
  return parsePayload(RecordingSchema, name, readPayload(`${name}.json`)) as RolloutRecording;
}

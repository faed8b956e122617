/**
 * Canonical JSON and the spec hash that identifies a stored version.
 *
 * Canonical JSON: object keys sorted, `undefined` members dropped (as JSON.stringify drops them),
 * so two specs that differ only in key order or in absent-vs-undefined fields hash the same.
 * Hashing is not I/O; node:crypto is fine in the domain.
 */
import {createHash} from 'node:crypto';
import type {ServiceSpec, Task} from '../docker/schemas.js';

type TaskTemplate = ServiceSpec['TaskTemplate'];

/** JSON text of `value` with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value !== null && typeof value === 'object') {
    if (typeof (value as {toJSON?: unknown}).toJSON === 'function') return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function withoutForceUpdate(spec: ServiceSpec): ServiceSpec {
  const {ForceUpdate: _ignored, ...template} = spec.TaskTemplate ?? {};
  return {...spec, TaskTemplate: template};
}

/**
 * sha256 hex of the spec's canonical JSON, ignoring `TaskTemplate.ForceUpdate`: a forced redeploy
 * (`docker service update --force`) runs the same version again, it is not a new one.
 */
export function specHash(spec: ServiceSpec): string {
  return sha256Hex(canonicalJson(withoutForceUpdate(spec)));
}

/** True when the two specs differ in `TaskTemplate.ForceUpdate` and in nothing else. */
export function isForceUpdateOnly(a: ServiceSpec, b: ServiceSpec): boolean {
  const forceA = a.TaskTemplate?.ForceUpdate ?? 0;
  const forceB = b.TaskTemplate?.ForceUpdate ?? 0;
  return forceA !== forceB && specHash(a) === specHash(b);
}

/**
 * A comparable key for a task template, used to tell which tasks run the current spec.
 *
 * The engine converts a service's template and a task's spec with the same code, except that only
 * the service side gets `Runtime` ("container"), so `Runtime` is left out. `ForceUpdate` is kept:
 * a forced redeploy replaces every task, and the replacements carry the new value.
 */
export function templateKey(template: TaskTemplate | undefined): string {
  if (!template) return 'null';
  const {Runtime: _runtime, ...rest} = template;
  return canonicalJson(rest);
}

/** Whether `task` was created from `template` (the same check `docker service ps`' `_up-to-date` filter makes). */
export function isTaskOnTemplate(task: Pick<Task, 'Spec'>, template: TaskTemplate | string | undefined): boolean {
  const key = typeof template === 'string' ? template : templateKey(template);
  return task.Spec !== undefined && templateKey(task.Spec) === key;
}

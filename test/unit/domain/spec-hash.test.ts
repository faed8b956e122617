import {describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../../source/docker/schemas.js';
import {
  canonicalJson,
  isForceUpdateOnly,
  isTaskOnTemplate,
  specHash,
  templateKey,
} from '../../../source/domain/spec-hash.js';
import {loadService, loadTasks} from '../../support/payload-fixtures.js';

const spec = (): ServiceSpec => structuredClone(loadService('service-replicated.json').Spec);

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({b: 1, a: {d: [3, {z: 1, y: 2}], c: undefined}})).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order, which is meaningful in specs', () => {
    expect(canonicalJson(['b', 'a'])).not.toBe(canonicalJson(['a', 'b']));
  });
});

describe('specHash', () => {
  it('is a sha256 hex digest that ignores key order', () => {
    const a = spec();
    const reordered = JSON.parse(canonicalJson(a)) as ServiceSpec;
    expect(specHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(specHash(reordered)).toBe(specHash(a));
  });

  it('ignores ForceUpdate, so a forced redeploy is the same version', () => {
    const forced = spec();
    forced.TaskTemplate.ForceUpdate = 7;
    expect(specHash(forced)).toBe(specHash(spec()));
  });

  it('changes with anything else in the spec', () => {
    const changed = spec();
    changed.TaskTemplate.ContainerSpec!.Env = [...(changed.TaskTemplate.ContainerSpec!.Env ?? []), 'NEW=1'];
    expect(specHash(changed)).not.toBe(specHash(spec()));
    const scaled = spec();
    scaled.Mode = {Replicated: {Replicas: 5}};
    expect(specHash(scaled)).not.toBe(specHash(spec()));
  });

  it('tells a forced redeploy apart from a real change', () => {
    const forced = spec();
    forced.TaskTemplate.ForceUpdate = 1;
    expect(isForceUpdateOnly(spec(), forced)).toBe(true);
    expect(isForceUpdateOnly(spec(), spec())).toBe(false);
    const changed = structuredClone(forced);
    changed.Labels = {...changed.Labels, extra: 'x'};
    expect(isForceUpdateOnly(spec(), changed)).toBe(false);
  });
});

describe('which tasks run a template', () => {
  it('matches real tasks to their service template although only the service side carries Runtime', () => {
    const service = loadService('service-replicated.json');
    const tasks = loadTasks('tasks-replicated.json');
    expect(service.Spec.TaskTemplate.Runtime).toBe('container');
    expect(tasks[0].Spec?.Runtime).toBeUndefined();
    expect(tasks.every((task) => isTaskOnTemplate(task, service.Spec.TaskTemplate))).toBe(true);
  });

  it('does not match a task after a forced redeploy changed ForceUpdate', () => {
    const service = loadService('service-replicated.json');
    const [task] = loadTasks('tasks-replicated.json');
    const template = {...service.Spec.TaskTemplate, ForceUpdate: 1};
    expect(isTaskOnTemplate(task, template)).toBe(false);
    expect(isTaskOnTemplate(task, templateKey(service.Spec.TaskTemplate))).toBe(true);
  });
});

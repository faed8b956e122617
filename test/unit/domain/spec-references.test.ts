import {describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../../source/docker/schemas.js';
import {checkReferences, describeMissing, type SwarmInventory} from '../../../source/domain/spec-references.js';

const spec: ServiceSpec = {
  Name: 'web',
  TaskTemplate: {
    ContainerSpec: {
      Image: 'app',
      Secrets: [
        {SecretID: 'sec-old', SecretName: 'db_password', File: {Name: 'db_password'}},
        {SecretID: 'sec-keep', SecretName: 'api_key'},
      ],
      Configs: [{ConfigID: 'cfg-gone', ConfigName: 'app.conf'}],
    },
    Networks: [{Target: 'net-1'}, {Target: 'backend'}],
  },
};

const inventory: SwarmInventory = {
  secrets: [
    {id: 'sec-new', name: 'db_password'},
    {id: 'sec-keep', name: 'api_key'},
  ],
  configs: [],
  networks: [
    {id: 'net-1', name: 'frontend'},
    {id: 'net-2', name: 'backend'},
  ],
};

describe('secrets, configs and networks a stored spec refers to', () => {
  const result = checkReferences(spec, inventory);

  it('are found by ID, else by name with the spec pointed at the current ID', () => {
    const secrets = result.spec.TaskTemplate.ContainerSpec?.Secrets ?? [];
    expect(secrets.map((s) => s.SecretID)).toEqual(['sec-new', 'sec-keep']);
    expect(result.spec.TaskTemplate.Networks?.map((n) => n.Target)).toEqual(['net-1', 'net-2']);
    expect(result.remapped).toEqual(['secret db_password: now ID sec-new']);
    expect(result.counts).toEqual({secret: 2, config: 1, network: 2});
  });

  it('are named when missing', () => {
    expect(result.missing).toEqual([{kind: 'config', name: 'app.conf'}]);
    expect(describeMissing(result.missing)).toBe('config app.conf');
  });

  it('leave the given spec untouched', () => {
    expect(spec.TaskTemplate.ContainerSpec?.Secrets?.[0]?.SecretID).toBe('sec-old');
  });

  it('are all fine for a spec that refers to nothing', () => {
    const plain = checkReferences({Name: 'x', TaskTemplate: {ContainerSpec: {Image: 'app'}}}, inventory);
    expect(plain.missing).toEqual([]);
    expect(plain.counts).toEqual({secret: 0, config: 0, network: 0});
  });
});

/**
 * Swarm objects a service spec refers to by ID: secrets, configs and networks. Listed with their
 * names so a stored spec can be checked (and names mapped to current IDs) before it is re-applied.
 */
import type Docker from 'dockerode';
import {z} from 'zod';
import {ConfigSummarySchema, NetworkSummarySchema, SecretSummarySchema} from './engine-schemas.js';
import type {GatewayCore} from './image-ops.js';
import {parsePayload} from './schemas.js';

/** A secret, config or network: its current ID and name. */
export interface NamedObject {
  id: string;
  name: string;
}

export async function listSecrets(core: GatewayCore): Promise<NamedObject[]> {
  const raw = await core.call(() => core.docker.listSecrets());
  return parsePayload(z.array(SecretSummarySchema), 'secret list', raw).map((s) => ({id: s.ID, name: s.Spec.Name}));
}

export async function listConfigs(core: GatewayCore): Promise<NamedObject[]> {
  const raw = await core.call(() => core.docker.listConfigs());
  return parsePayload(z.array(ConfigSummarySchema), 'config list', raw).map((c) => ({id: c.ID, name: c.Spec.Name}));
}

export async function listNetworks(core: GatewayCore): Promise<NamedObject[]> {
  const raw = await core.call(() => core.docker.listNetworks({} as Docker.NetworkListOptions));
  return parsePayload(z.array(NetworkSummarySchema), 'network list', raw).map((n) => ({id: n.Id, name: n.Name}));
}

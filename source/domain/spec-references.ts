/**
 * Secrets, configs and networks a spec refers to, checked against what the swarm has now. Pure.
 *
 * A reference is found by its ID, else by its name (a secret removed and created again under the
 * same name gets a new ID: the spec is rewritten to the current ID). Anything found neither way is
 * missing, and a spec that refers to it cannot be applied.
 */
import type {ServiceSpec} from '../docker/schemas.js';

export type ReferenceKind = 'secret' | 'config' | 'network';

export interface NamedObject {
  id: string;
  name: string;
}

export interface SwarmInventory {
  secrets: readonly NamedObject[];
  configs: readonly NamedObject[];
  networks: readonly NamedObject[];
}

export interface MissingReference {
  kind: ReferenceKind;
  /** The name when the spec has one, else the ID. */
  name: string;
}

export interface ReferenceCheck {
  /** The spec with references found by name pointing at their current IDs. */
  spec: ServiceSpec;
  /** How many references of each kind the spec has. */
  counts: Record<ReferenceKind, number>;
  missing: MissingReference[];
  /** One line per reference found by name under a new ID. */
  remapped: string[];
  /** Secrets and configs found by name under another ID than the spec's: created again, maybe with other content. */
  recreated: RecreatedReference[];
}

export interface RecreatedReference {
  kind: 'secret' | 'config';
  name: string;
  /** The ID the spec refers to (gone). */
  specId: string;
  /** The ID of the one under that name now. */
  currentId: string;
}

function find(
  objects: readonly NamedObject[],
  id: string | undefined,
  name: string | undefined,
): NamedObject | undefined {
  return (
    (id ? objects.find((o) => o.id === id) : undefined) ?? (name ? objects.find((o) => o.name === name) : undefined)
  );
}

/** Checks every secret, config and network reference of `spec`; `spec` itself is not modified. */
export function checkReferences(spec: ServiceSpec, inventory: SwarmInventory): ReferenceCheck {
  const out = structuredClone(spec);
  const missing: MissingReference[] = [];
  const remapped: string[] = [];
  const recreated: RecreatedReference[] = [];
  const counts: Record<ReferenceKind, number> = {secret: 0, config: 0, network: 0};
  const container = out.TaskTemplate.ContainerSpec;

  for (const ref of container?.Secrets ?? []) {
    counts.secret += 1;
    const found = find(inventory.secrets, ref.SecretID, ref.SecretName);
    if (!found) missing.push({kind: 'secret', name: ref.SecretName ?? ref.SecretID ?? '?'});
    else if (found.id !== ref.SecretID) {
      remapped.push(`secret ${found.name}: now ID ${found.id.slice(0, 12)}`);
      if (ref.SecretID) recreated.push({kind: 'secret', name: found.name, specId: ref.SecretID, currentId: found.id});
      ref.SecretID = found.id;
    }
  }
  for (const ref of container?.Configs ?? []) {
    counts.config += 1;
    const found = find(inventory.configs, ref.ConfigID, ref.ConfigName);
    if (!found) missing.push({kind: 'config', name: ref.ConfigName ?? ref.ConfigID ?? '?'});
    else if (found.id !== ref.ConfigID) {
      remapped.push(`config ${found.name}: now ID ${found.id.slice(0, 12)}`);
      if (ref.ConfigID) recreated.push({kind: 'config', name: found.name, specId: ref.ConfigID, currentId: found.id});
      ref.ConfigID = found.id;
    }
  }
  // Networks are stored by ID (a name is accepted too); the deprecated top-level list is checked alike.
  const attachments = [...(out.TaskTemplate.Networks ?? []), ...(out.Networks ?? [])];
  for (const attachment of attachments) {
    counts.network += 1;
    const found = find(inventory.networks, attachment.Target, attachment.Target);
    if (!found) missing.push({kind: 'network', name: attachment.Target});
    else if (found.id !== attachment.Target) {
      if (found.name !== attachment.Target) remapped.push(`network ${found.name}: now ID ${found.id.slice(0, 12)}`);
      attachment.Target = found.id;
    }
  }
  return {spec: out, counts, missing, remapped, recreated};
}

/** `secret db_password, network backend` */
export function describeMissing(missing: readonly MissingReference[]): string {
  return missing.map((m) => `${m.kind} ${m.name}`).join(', ');
}

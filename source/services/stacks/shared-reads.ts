/**
 * A stack's pre-flight reads the swarm once: every service's own pre-flight (planRollback) asks for
 * the swarm's secrets, configs, networks and nodes, the daemon's info (`docker info`, which costs the
 * daemon more than any other read) and its image, and for a stack of five services those were five
 * of each. The gateway given to the plans answers each of those reads (an image's by reference)
 * with one request shared by all of them, made when the first one asks; every other call goes to
 * the gateway as it is. Only for one plan: a new plan gets a new view.
 */
import type {DockerGateway} from '../../docker/gateway.js';

type Shared = Pick<
  DockerGateway,
  'listSecrets' | 'listConfigs' | 'listNetworks' | 'listNodes' | 'swarmInfo' | 'inspectImage' | 'resolveImage'
>;

function once<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read());
}

function byKey<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key) => {
    let answer = pending.get(key);
    if (!answer) pending.set(key, (answer = read(key)));
    return answer;
  };
}

export function sharingSwarmReads(gateway: DockerGateway): DockerGateway {
  const resolve = byKey((ref) => gateway.resolveImage(ref));
  const shared: Shared = {
    listSecrets: once(() => gateway.listSecrets()),
    listConfigs: once(() => gateway.listConfigs()),
    listNetworks: once(() => gateway.listNetworks()),
    listNodes: once(() => gateway.listNodes()),
    swarmInfo: once(() => gateway.swarmInfo()),
    inspectImage: byKey((ref) => gateway.inspectImage(ref)),
    // With options (registry credentials) the read is the caller's own.
    resolveImage: (ref, opts) => (opts === undefined ? resolve(ref) : gateway.resolveImage(ref, opts)),
  };
  return new Proxy(gateway, {
    get(target, property) {
      if (Object.hasOwn(shared, property)) return shared[property as keyof Shared];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

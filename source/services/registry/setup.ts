/**
 * The rollback registry as the commands and the console use it, built in one place from the
 * configuration: the targets of each service (registry, repository, credentials, retention), the
 * recorder's tag/push/retention work, and what a rollback's pre-flight needs from it (where a
 * version's image comes from, credentials for any registry).
 *
 *   const setup = new RegistrySetup(await loadConfig({path, env}), env);   // ConfigError (exit 2) names the key
 *   await setup.check();                                    // credentials resolve, or ConfigError
 *   const recorder = new Recorder(gateway, store, {registry: setup.sync(gateway, store, {log})});
 *   const plan = await planRollback({gateway, store, ...setup.rollbackDeps(gateway, warn)}, request);
 */
import {dockerCredentialsFor} from '../../config/credentials.js';
import {configFromData, type EffectiveConfig} from '../../config/effective-config.js';
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import {DokrollError} from '../../shared/errors.js';
import type {Store} from '../../store/index.js';
import {checkImage} from '../rollback/image-check.js';
import type {PlanDeps} from '../rollback/preflight.js';
import {chooseRollbackImage} from './image-source.js';
import {RegistrySync, type RegistrySyncOptions} from './sync.js';
import {RegistryTargets} from './targets.js';

export type RollbackRegistryDeps = Required<Pick<PlanDeps, 'rollbackImage' | 'registryAuth'>>;

/**
 * Credentials the Docker CLI would use for a registry host: for an image's own registry (not the
 * rollback registry), as `docker pull` would. Undefined when there are none or they cannot be read.
 */
export function imageRegistryAuth(
  env: NodeJS.ProcessEnv = process.env,
): (host: string) => Promise<RegistryAuth | undefined> {
  return async (host) => (await dockerCredentialsFor(host, {env}).catch(() => null))?.toJSON();
}

export class RegistrySetup {
  readonly targets: RegistryTargets;

  constructor(
    readonly config: EffectiveConfig,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.targets = new RegistryTargets(config, {env});
  }

  /** No config file: every service's images are tagged locally (`dokroll/<service>:v<n>`), keep 10. */
  static defaults(env: NodeJS.ProcessEnv = process.env): RegistrySetup {
    return new RegistrySetup(configFromData({}), env);
  }

  /**
   * Checks that the registries of the given services (none: the default one and every configured
   * one) can be used: their credentials resolve. Throws the first ConfigError (exit 2).
   */
  async check(serviceNames: readonly string[] = []): Promise<this> {
    await this.targets.check(serviceNames);
    return this;
  }

  /** The recorder's registry work on this connection (tag and push each version, retries, retention). */
  sync(gateway: DockerGateway, store: Store, opts: Pick<RegistrySyncOptions, 'log' | 'background'> = {}): RegistrySync {
    return new RegistrySync(gateway, store, this.targets, {...opts, env: this.env});
  }

  /**
   * What a rollback's pre-flight needs: where the version's image comes from (pushed digest, local
   * tag, its own registry) and credentials for any registry. A service whose rollback registry
   * cannot be used (its credentials do not resolve) is rolled back without it, after `warn`.
   */
  rollbackDeps(gateway: DockerGateway, warn: (message: string) => void): RollbackRegistryDeps {
    const registryAuth = imageRegistryAuth(this.env);
    return {
      registryAuth,
      rollbackImage: async (input) => {
        const target = await this.targets.for(input.row.serviceName).catch((error: unknown) => {
          if (!(error instanceof DokrollError)) throw error;
          warn(`rollback registry not used: ${error.message}`);
          return null;
        });
        return target
          ? chooseRollbackImage(gateway, target, input, (image) => checkImage(gateway, image, registryAuth))
          : null;
      },
    };
  }
}

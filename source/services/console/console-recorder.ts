/**
 * The recorder as the console runs it: a service this console is rolling back or redeploying is
 * left to the rollback engine, which records the result itself (source 'rollback', "rolled back to
 * vN"). Recording it here first, as a plain 'recorded' version, would take that note away. The
 * service stays dirty and is examined again once the rollout ended (a no-op by then).
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Store} from '../../store/index.js';
import {Recorder, type RecordOutcome, type RecorderOptions} from '../recorder.js';

export class ConsoleRecorder extends Recorder {
  constructor(
    gateway: DockerGateway,
    store: Store,
    options: RecorderOptions,
    private readonly busy: (serviceIdOrName: string) => boolean,
  ) {
    super(gateway, store, options);
  }

  override async examine(serviceIdOrName: string): Promise<RecordOutcome | 'pending' | 'gone' | 'failed'> {
    if (this.busy(serviceIdOrName)) return 'pending';
    return super.examine(serviceIdOrName);
  }
}

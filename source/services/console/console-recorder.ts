/**
 * The recorder as the console runs it: a service this console is rolling back or redeploying is
 * left to the rollback engine, which records the result itself (source 'rollback', "rolled back to
 * vN"). Recording it here first, as a plain 'recorded' version, would take that note away. The
 * service stays dirty and is examined again once the rollout ended (a no-op by then).
 *
 * The same holds for a rollout another console (or `dokroll-tui rollback`) started and never ended:
 * while its journal entry is open and the live spec is its target, the spec is the rollout's to
 * record (when it is reattached or resumed), not an ordinary version.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service} from '../../docker/schemas.js';
import type {Store} from '../../store/index.js';
import {captureService} from '../capture.js';
import {Recorder, type RecordOutcome, type RecorderOptions} from '../recorder.js';
import {findInFlight} from '../rollback/journal.js';

export class ConsoleRecorder extends Recorder {
  constructor(
    private readonly docker: DockerGateway,
    private readonly history: Store,
    options: RecorderOptions,
    private readonly busy: (serviceIdOrName: string) => boolean,
  ) {
    super(docker, history, options);
  }

  override async examine(serviceIdOrName: string): Promise<RecordOutcome | 'pending' | 'gone' | 'failed'> {
    if (this.busy(serviceIdOrName)) return 'pending';
    return super.examine(serviceIdOrName);
  }

  /** An open journal entry claims the live spec as its rollout's target. */
  protected override async leftToOthers(service: Service): Promise<boolean> {
    const record = await findInFlight(this.history, service.Spec.Name);
    if (!record || record.serviceId !== service.ID) return false;
    const {hash} = await captureService(this.docker, service);
    return hash === record.targetHash;
  }
}

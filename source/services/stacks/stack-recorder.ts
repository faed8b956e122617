/**
 * Stack revisions, built by the recorder from the versions it records.
 *
 * `docker stack deploy` changes several services at once, and each converges in its own time. The
 * recorder records a version of each when it converges; this class waits until the whole stack has
 * settled and then writes ONE revision: {service → its latest recorded version} for every service of
 * the stack in the swarm. A stack has settled when none of its services is waiting to be examined or
 * mid-update, and nothing of it was recorded for `settleMs`. Deploys that overlap (a second deploy
 * before the first settled) become one revision. A service removed from the stack drops out of the
 * next revision; one added joins it. Revisions are written only when the members differ from the
 * stack's latest revision, so full passes and two recorders at once add nothing twice.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service} from '../../docker/schemas.js';
import {diffMembers, stackOf, summarizeMembersDiff, type StackMembers} from '../../domain/stack.js';
import type {Store} from '../../store/index.js';

export interface StackRecorderOptions {
  /** Quiet time after the last change of a stack before its revision is written (default 3 s). */
  settleMs?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Which services are recorded (by name; default all). */
  include?: (serviceName: string) => boolean;
}

/** Update states in which a service is still changing. */
const MOVING = new Set(['updating', 'rollback_started']);

export class StackRecorder {
  /** stack → when something of it last changed */
  private readonly pending = new Map<string, number>();
  /** service ID → stack, to know the stack of a service that is gone */
  private readonly stackOfService = new Map<string, string>();
  private readonly settleMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly include: (serviceName: string) => boolean;

  constructor(
    private readonly gateway: DockerGateway,
    private readonly store: Store,
    options: StackRecorderOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.include = options.include ?? (() => true);
  }

  /** A service was examined (recorded or not): its stack, if any, starts settling again. */
  noteService(service: Service): void {
    const stack = stackOf(service.Spec.Labels);
    if (stack === null || !this.include(service.Spec.Name)) return;
    this.stackOfService.set(service.ID, stack);
    this.pending.set(stack, this.now());
  }

  /** A service is gone from the swarm: the stack it belonged to (if we knew it) changes. */
  noteGone(serviceId: string): void {
    const stack = this.stackOfService.get(serviceId);
    if (stack === undefined) return;
    this.stackOfService.delete(serviceId);
    this.pending.set(stack, this.now());
  }

  /** Every stack in the swarm and in the history is looked at again (start-up, full passes). */
  async noteAll(services: readonly Service[]): Promise<void> {
    for (const service of services) this.noteService(service);
    for (const {stack} of await this.store.stacks.stacks())
      if (!this.pending.has(stack)) this.pending.set(stack, this.now());
  }

  /**
   * Writes the revision of every stack that has settled. `busy(serviceId)` says whether the recorder
   * still waits to examine a service (its deployment is in progress).
   */
  async tick(busy: (serviceId: string) => boolean): Promise<void> {
    const due = [...this.pending].filter(([, at]) => this.now() - at >= this.settleMs).map(([stack]) => stack);
    if (due.length === 0) return;
    const services = await this.gateway.listServices();
    for (const stack of due) {
      const members = services.filter((s) => stackOf(s.Spec.Labels) === stack && this.include(s.Spec.Name));
      if (members.some((s) => busy(s.ID) || MOVING.has(s.UpdateStatus?.State ?? ''))) continue;
      this.pending.delete(stack);
      await this.settle(stack, members);
    }
  }

  private async settle(stack: string, services: readonly Service[]): Promise<void> {
    const members: StackMembers = {};
    for (const service of services) {
      const latest = await this.store.versions.latest(service.Spec.Name);
      // A service never recorded (its first deployment failed, or it is left out) is not a member yet.
      if (latest) members[service.Spec.Name] = latest.number;
    }
    if (Object.keys(members).length === 0) return; // the stack is gone, or nothing of it recorded yet
    const previous = await this.store.stacks.latest(stack);
    const change = previous ? summarizeMembersDiff(diffMembers(previous.members, members)) : null;
    if (change === 'no changes') return;
    const {row, created} = await this.store.stacks.record({stack, members, source: 'recorded'});
    if (!created) return;
    this.log(`recorded stack ${stack} r${row.number} (${change ?? 'first revision'})`);
    await this.store.audit.append({
      action: 'stack_record',
      serviceName: stack,
      toVersion: row.number,
      result: 'ok',
      detail: `stack revision r${row.number}: ${change ?? 'first revision'}`,
    });
  }
}

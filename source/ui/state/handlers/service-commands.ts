/**
 * Commands about the service the screen is about (the selected row on the overview, else the
 * route's), bound in several views: open it, its history, its logs, its rollout, redeploy, snapshot.
 */
import {contextService, interruptedRollout, isAvailable, rolloutActive} from '../selectors.js';
import type {Handler} from './context.js';

export const open: Handler = (ctx) => {
  const service = contextService(ctx.state());
  if (service !== null) ctx.dispatch({type: 'navigate', route: {view: 'service', service}});
};

export const history: Handler = (ctx) => {
  const service = contextService(ctx.state());
  if (service === null) return;
  ctx.dispatch({type: 'navigate', route: {view: 'history', service}});
  ctx.loadHistory(service);
};

export const serviceLogs: Handler = (ctx) => {
  const service = contextService(ctx.state());
  if (service !== null) ctx.dispatch({type: 'navigate', route: {view: 'logs', service}});
};

/** The rollout's panel; an interrupted rollout is reattached first (a mutation: `reattach`). */
export const progress: Handler = (ctx) => {
  const state = ctx.state();
  const service = contextService(state);
  if (service === null || !isAvailable(state, 'progress')) return ctx.info('no rollout to show for this service');
  if (interruptedRollout(state, service)) return ctx.run('reattach');
  ctx.dispatch({type: 'navigate', route: {view: 'progress', service}});
};

export const reattach: Handler = (ctx) => {
  const state = ctx.state();
  const service = contextService(state);
  const interrupted = interruptedRollout(state, service);
  if (service === null || !interrupted) return;
  ctx.follow(service, `reattached ${interrupted.kind} of ${service}`, () => ctx.model.resume(service));
};

export const redeploy: Handler = (ctx) => {
  const service = contextService(ctx.state());
  if (service === null) return;
  if (rolloutActive(ctx.state(), service)) return ctx.info(`a rollout of ${service} is still running`);
  ctx.dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'redeploy', service}});
};

export const snapshot: Handler = (ctx) => {
  const service = contextService(ctx.state());
  if (service !== null) ctx.dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'snapshot', service}});
};

/** `n`: the swarm's nodes. */
export const nodes: Handler = (ctx) => ctx.dispatch({type: 'navigate', route: {view: 'nodes'}});

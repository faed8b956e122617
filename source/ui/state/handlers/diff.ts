/** Commands of the diff view: reveal or mask secret values (the diff is asked for again). */
import {currentRoute} from '../ui-state.js';
import type {Handler} from './context.js';

const toggleSecrets: Handler = (ctx) => {
  const state = ctx.state();
  const route = currentRoute(state);
  if (route.view === 'diff' && state.diff) ctx.loadDiff(route, !state.diff.showSecrets);
};

export const DIFF_HANDLERS = {toggleSecrets};

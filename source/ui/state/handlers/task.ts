/** Commands of a task's detail: follow that task's logs. */
import {currentRoute} from '../ui-state.js';
import type {Handler} from './context.js';

const logs: Handler = (ctx) => {
  const route = currentRoute(ctx.state());
  if (route.view === 'task')
    ctx.dispatch({type: 'navigate', route: {view: 'logs', service: route.service, task: route.task}});
};

export const TASK_HANDLERS = {logs};

/** Commands of the service view: switch its panel (tasks / events), open the selected task in full. */
import {errorText} from '../../../shared/errors.js';
import {listWindow} from '../../list/list-reducer.js';
import {currentRoute} from '../ui-state.js';
import type {Handler} from './context.js';

const nextPanel: Handler = (ctx) => ctx.dispatch({type: 'panel'});

const taskDetail: Handler = (ctx) => {
  const state = ctx.state();
  const route = currentRoute(state);
  const task = state.panel === 'tasks' ? listWindow(state.lists.tasks).selectedId : undefined;
  if (route.view !== 'service' || task === undefined) return;
  ctx.dispatch({type: 'navigate', route: {view: 'task', service: route.service, task}});
  ctx.dispatch({type: 'taskDetail', task, detail: {status: 'loading'}});
  ctx.model.taskDetail(route.service, task).then(
    (detail) => ctx.dispatch({type: 'taskDetail', task, detail: {status: 'ready', value: detail}}),
    (error: unknown) => ctx.dispatch({type: 'taskDetail', task, detail: {status: 'error', error: errorText(error)}}),
  );
};

export const SERVICE_HANDLERS = {nextPanel, taskDetail};

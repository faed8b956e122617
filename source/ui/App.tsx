/**
 * The console: header (connection, READ-ONLY), the current view, footer (status, key hints).
 * The frame is exactly `rows - 1` lines and every view gets an explicit height and clips to it.
 */
import {useEffect, useMemo} from 'react';
import {Box, useApp} from 'ink';
import type {ConsoleModel} from '../services/console-model.js';
import {useClipboard} from './clipboard.js';
import {Footer, footerHeight} from './components/Footer.js';
import {Header} from './components/Header.js';
import {TooSmall} from './components/TooSmall.js';
import {useRedraw} from './hooks/use-redraw.js';
import {type TerminalSize, useTerminalSize} from './hooks/use-terminal-size.js';
import {useKeyLayer} from './state/use-key-layer.js';
import {bodyHeight, frameHeight, tooSmall} from './layout.js';
import {createActions} from './state/commands.js';
import {serviceSummary} from './state/selectors.js';
import {UiProvider, useUiActions, useUiState} from './state/ui-context.js';
import {currentRoute, initialUiState, routeService} from './state/ui-state.js';
import {uiReducer} from './state/ui-reducer.js';
import {createUiStore} from './state/ui-store.js';
import {ColorProvider} from './theme/tone.js';
import {ConfirmDialog} from './views/ConfirmDialog.js';
import {DiffView} from './views/DiffView.js';
import {HelpOverlay} from './views/HelpOverlay.js';
import {HistoryView} from './views/HistoryView.js';
import {LogsView} from './views/LogsView.js';
import {NodesView} from './views/NodesView.js';
import {TaskView} from './views/TaskView.js';
import {ProgressPanel} from './views/ProgressPanel.js';
import {RollbackDialog} from './views/RollbackDialog.js';
import {StackRollbackDialog} from './views/StackRollbackDialog.js';
import {StackProgressPanel} from './views/StackProgressPanel.js';
import {ServicesView} from './views/ServicesView.js';
import {ServiceView} from './views/ServiceView.js';
import {StackDiffView} from './views/StackDiffView.js';
import {StackHistoryView} from './views/StackHistoryView.js';

export interface AppProps {
  model: ConsoleModel;
  /** false for NO_COLOR / --no-color. */
  color?: boolean;
}

function Body({width, height}: {width: number; height: number}) {
  const state = useUiState();
  if (state.help) return <HelpOverlay width={width} height={height} />;
  const dialog = state.dialog;
  if (dialog?.kind === 'rollback') {
    const live = serviceSummary(state, dialog.service)?.liveVersion ?? null;
    return <RollbackDialog dialog={dialog} live={live} width={width} height={height} />;
  }
  if (dialog?.kind === 'stackRollback') return <StackRollbackDialog dialog={dialog} width={width} height={height} />;
  if (dialog?.kind === 'confirm') return <ConfirmDialog dialog={dialog} width={width} height={height} />;
  const route = currentRoute(state);
  switch (route.view) {
    case 'services':
      return <ServicesView width={width} height={height} />;
    case 'service':
      return <ServiceView service={route.service} width={width} height={height} />;
    case 'history':
      return <HistoryView service={route.service} width={width} height={height} />;
    case 'diff':
      return <DiffView service={route.service} a={route.a} b={route.b} width={width} height={height} />;
    case 'progress':
      return <ProgressPanel service={route.service} width={width} height={height} />;
    case 'task':
      return <TaskView service={route.service} task={route.task} width={width} height={height} />;
    case 'logs':
      return <LogsView service={route.service} task={route.task} width={width} height={height} />;
    case 'nodes':
      return <NodesView width={width} height={height} />;
    case 'stackHistory':
      return <StackHistoryView stack={route.stack} width={width} height={height} />;
    case 'stackDiff':
      return <StackDiffView stack={route.stack} a={route.a} b={route.b} width={width} height={height} />;
    case 'stackProgress':
      return <StackProgressPanel stack={route.stack} width={width} height={height} />;
  }
}

function Shell({size}: {size: TerminalSize}) {
  const state = useUiState();
  const actions = useUiActions();
  useKeyLayer(actions);
  if (tooSmall(size)) return <TooSmall size={size} />;
  const width = size.columns;
  const body = bodyHeight(size, footerHeight(state, width));
  return (
    <Box flexDirection="column" width={width} height={frameHeight(size)} overflow="hidden">
      <Header connection={state.console.connection} readOnly={state.readOnly} width={width} />
      <Box flexDirection="column" width={width} height={body} overflow="hidden">
        <Body width={width} height={body} />
      </Box>
      <Footer state={state} width={width} />
    </Box>
  );
}

/** Tells the model which service to poll fast: the one on screen. */
function WatchService({model}: {model: ConsoleModel}) {
  const service = routeService(currentRoute(useUiState()));
  useEffect(() => {
    model.watchService(service);
  }, [model, service]);
  useEffect(() => () => model.watchService(null), [model]);
  return null;
}

/** Tells the model to list the swarm's nodes while the nodes view is on screen. */
function WatchNodes({model}: {model: ConsoleModel}) {
  const on = currentRoute(useUiState()).view === 'nodes';
  useEffect(() => {
    model.watchNodes(on);
  }, [model, on]);
  return null;
}

/** Tells the model whose tasks' CPU and memory to sample: the service whose tasks (or task) are on screen. */
function WatchStats({model}: {model: ConsoleModel}) {
  const route = currentRoute(useUiState());
  const service = route.view === 'service' || route.view === 'task' ? route.service : null;
  useEffect(() => {
    model.watchStats(service);
  }, [model, service]);
  useEffect(() => () => model.watchStats(null), [model]);
  return null;
}

/** Tells the model whose logs to follow: the logs view's, while it is on screen. */
function FollowLogs({model}: {model: ConsoleModel}) {
  const route = currentRoute(useUiState());
  const service = route.view === 'logs' ? route.service : null;
  const task = route.view === 'logs' ? route.task : undefined;
  useEffect(() => {
    model.followLogs(service === null ? null : task === undefined ? {service} : {service, task});
  }, [model, service, task]);
  useEffect(() => () => model.followLogs(null), [model]);
  return null;
}

/** Reloads the history on screen when the store says it changed (this console or another process). */
function FollowHistory() {
  const state = useUiState();
  const actions = useUiActions();
  const service = state.history?.service ?? null;
  const revision = service === null ? undefined : state.console.historyRevision?.[service];
  useEffect(() => {
    if (service !== null && revision !== undefined) actions.historyChanged(service);
  }, [actions, service, revision]);
  return null;
}

export function App({model, color = true}: AppProps) {
  const {exit} = useApp();
  const size = useTerminalSize();
  const redraw = useRedraw();
  const copy = useClipboard();
  const store = useMemo(() => {
    const initial = initialUiState(model.getState(), model.readOnly, (service) => model.readOnlyReason(service));
    // Lists are filled from the model's state before the first frame.
    return createUiStore(uiReducer(initial, {type: 'console', state: initial.console}));
  }, [model]);
  const actions = useMemo(
    () => createActions(store, model, () => exit(), redraw, copy),
    [store, model, exit, redraw, copy],
  );
  useEffect(() => {
    const sync = () => store.dispatch({type: 'console', state: model.getState()});
    const unsubscribe = model.subscribe(sync);
    sync();
    return unsubscribe;
  }, [model, store]);
  return (
    <ColorProvider enabled={color}>
      <UiProvider store={store} actions={actions}>
        <WatchService model={model} />
        <WatchNodes model={model} />
        <WatchStats model={model} />
        <FollowHistory />
        <FollowLogs model={model} />
        <Shell size={size} />
      </UiProvider>
    </ColorProvider>
  );
}

/**
 * Two contexts, as in gemini-cli: the state (re-renders on change) and the actions (stable), so
 * components that only act never re-render for state they do not read.
 */
import {createContext, useContext, useSyncExternalStore, type ReactNode} from 'react';
import type {UiActions} from './commands.js';
import type {UiStore} from './ui-store.js';
import type {UiState} from './ui-state.js';

const StateContext = createContext<UiState | null>(null);
const ActionsContext = createContext<UiActions | null>(null);

export function UiProvider({store, actions, children}: {store: UiStore; actions: UiActions; children: ReactNode}) {
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  return (
    <ActionsContext.Provider value={actions}>
      <StateContext.Provider value={state}>{children}</StateContext.Provider>
    </ActionsContext.Provider>
  );
}

export function useUiState(): UiState {
  const state = useContext(StateContext);
  if (!state) throw new Error('useUiState outside UiProvider');
  return state;
}

export function useUiActions(): UiActions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useUiActions outside UiProvider');
  return actions;
}

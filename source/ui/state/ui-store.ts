/**
 * A tiny synchronous store around uiReducer. Dispatch applies the reducer at once, so the key layer
 * can read the state a previous key left before it resolves the next one; React reads it through
 * useSyncExternalStore.
 */
import {uiReducer, type UiAction} from './ui-reducer.js';
import type {UiState} from './ui-state.js';

export interface UiStore {
  getState(): UiState;
  dispatch(action: UiAction): void;
  subscribe(listener: () => void): () => void;
}

export function createUiStore(initial: UiState): UiStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = uiReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

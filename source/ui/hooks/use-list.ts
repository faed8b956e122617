/**
 * A view's handle on one of the console's lists: what to draw in `height` rows. The list's state
 * lives in the UI store (so the key layer moves it synchronously); the view only reports its height.
 */
import {useEffect} from 'react';
import {useUiActions, useUiState} from '../state/ui-context.js';
import type {ListKey} from '../state/ui-state.js';
import {listWindow, type ListState, type ListWindow} from '../list/list-reducer.js';

export interface UseList extends ListWindow {
  list: ListState;
  filter: string;
  /** The filter is being typed. */
  filtering: boolean;
  focused: boolean;
}

export function useList(key: ListKey, height: number, focused = true): UseList {
  const state = useUiState();
  const {setListHeight} = useUiActions();
  const list = state.lists[key];
  const rows = Math.max(0, height);
  useEffect(() => {
    if (rows > 0 && rows !== list.height) setListHeight(key, rows);
  }, [key, rows, list.height, setListHeight]);
  return {
    ...listWindow(list, rows),
    list,
    filter: list.filter,
    filtering: focused && state.filterMode,
    focused,
  };
}

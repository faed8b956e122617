/**
 * The console's own list: a cursor over item ids, a window offset for a given height, and a filter.
 * A plain reducer, so N key presses dispatched in one batch move N rows (each action sees the result
 * of the previous one), unlike components that compute the next index from a stale render.
 */

export interface ListItem {
  id: string;
  /** What the filter matches against (case-insensitive substring). */
  text: string;
}

export interface ListState {
  /** Every item, in display order. */
  all: ListItem[];
  /** Ids that pass the filter, in display order. */
  ids: string[];
  cursor: number;
  offset: number;
  /** Rows the list is drawn in (set by the view that draws it). */
  height: number;
  filter: string;
  /** A text viewer: the cursor is the top line, moves scroll the window instead. */
  scroll: boolean;
}

export type ListAction =
  | {type: 'up'; count?: number}
  | {type: 'down'; count?: number}
  | {type: 'pageUp'}
  | {type: 'pageDown'}
  | {type: 'home'}
  | {type: 'end'}
  | {type: 'select'; id: string}
  | {type: 'setItems'; items: ListItem[]}
  | {type: 'setHeight'; height: number}
  | {type: 'setFilter'; filter: string};

export function createList(opts: {items?: ListItem[]; height?: number; scroll?: boolean} = {}): ListState {
  const base: ListState = {
    all: [],
    ids: [],
    cursor: 0,
    offset: 0,
    height: Math.max(1, opts.height ?? 10),
    filter: '',
    scroll: opts.scroll ?? false,
  };
  return opts.items ? listReducer(base, {type: 'setItems', items: opts.items}) : base;
}

function applyFilter(all: ListItem[], filter: string): string[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return all.map((item) => item.id);
  return all.filter((item) => item.text.toLowerCase().includes(needle)).map((item) => item.id);
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** Moves the cursor to `target`, scrolling the window just enough to keep it visible. */
function moveTo(state: ListState, target: number): ListState {
  const count = state.ids.length;
  if (count === 0) return state.cursor === 0 && state.offset === 0 ? state : {...state, cursor: 0, offset: 0};
  if (state.scroll) {
    const top = clamp(target, 0, Math.max(0, count - state.height));
    return top === state.offset && top === state.cursor ? state : {...state, cursor: top, offset: top};
  }
  const cursor = clamp(target, 0, count - 1);
  const offset = windowOffset(cursor, state.offset, state.height, count);
  return cursor === state.cursor && offset === state.offset ? state : {...state, cursor, offset};
}

/** The offset that keeps `cursor` inside a window of `height` rows, moving as little as possible. */
export function windowOffset(cursor: number, offset: number, height: number, count: number): number {
  const h = Math.max(1, height);
  let next = offset;
  if (cursor < next) next = cursor;
  if (cursor >= next + h) next = cursor - h + 1;
  return clamp(next, 0, Math.max(0, count - h));
}

function sameItems(a: ListItem[], b: ListItem[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((item, i) => item.id === b[i]!.id && item.text === b[i]!.text);
}

/** Rebuilds the filtered ids and keeps the cursor on the same item id if it is still there. */
function withIds(state: ListState, all: ListItem[], filter: string): ListState {
  const previousId = state.ids[state.cursor];
  const ids = applyFilter(all, filter);
  let cursor = previousId === undefined ? state.cursor : ids.indexOf(previousId);
  if (cursor < 0) cursor = Math.min(state.cursor, Math.max(0, ids.length - 1));
  return moveTo({...state, all, filter, ids, cursor: -1}, cursor);
}

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'up':
      return moveTo(state, (state.scroll ? state.offset : state.cursor) - (action.count ?? 1));
    case 'down':
      return moveTo(state, (state.scroll ? state.offset : state.cursor) + (action.count ?? 1));
    case 'pageUp':
      return moveTo(state, (state.scroll ? state.offset : state.cursor) - state.height);
    case 'pageDown':
      return moveTo(state, (state.scroll ? state.offset : state.cursor) + state.height);
    case 'home':
      return moveTo(state, 0);
    case 'end':
      return moveTo(state, state.ids.length);
    case 'select': {
      const index = state.ids.indexOf(action.id);
      return index < 0 ? state : moveTo(state, index);
    }
    case 'setItems':
      return sameItems(state.all, action.items) ? state : withIds(state, action.items, state.filter);
    case 'setFilter':
      return action.filter === state.filter ? state : withIds(state, state.all, action.filter);
    case 'setHeight': {
      const height = Math.max(1, Math.floor(action.height));
      if (height === state.height) return state;
      const next = {...state, height};
      return moveTo(next, state.scroll ? state.offset : state.cursor);
    }
  }
}

export interface ListWindow {
  /** Ids drawn, top to bottom. */
  ids: string[];
  /** Index of the cursor inside `ids`, or -1 when the cursor is not drawn (scroll lists, empty lists). */
  cursorRow: number;
  selectedId: string | undefined;
  /** Rows hidden above / below the window. */
  above: number;
  below: number;
  count: number;
}

/**
 * What to draw for `height` rows. Clamps on its own, so a frame drawn before the stored height caught
 * up with a resize still fits.
 */
export function listWindow(state: ListState, height = state.height): ListWindow {
  const count = state.ids.length;
  const h = Math.max(0, height);
  const offset = state.scroll
    ? clamp(state.offset, 0, Math.max(0, count - h))
    : windowOffset(state.cursor, state.offset, Math.max(1, h), count);
  const ids = state.ids.slice(offset, offset + h);
  const selectedId = state.scroll ? undefined : state.ids[state.cursor];
  return {
    ids,
    cursorRow: selectedId === undefined ? -1 : state.cursor - offset,
    selectedId,
    above: offset,
    below: Math.max(0, count - offset - ids.length),
    count,
  };
}

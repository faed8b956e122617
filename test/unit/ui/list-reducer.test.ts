import {describe, expect, test} from 'vitest';
import {
  createList,
  listReducer,
  listWindow,
  type ListAction,
  type ListItem,
  type ListState,
} from '../../../source/ui/list/list-reducer.js';

const items = (n: number, prefix = 'item'): ListItem[] =>
  Array.from({length: n}, (_, i) => ({id: `${prefix}-${i}`, text: `${prefix} number ${i}`}));

const apply = (state: ListState, ...actions: ListAction[]): ListState => actions.reduce(listReducer, state);

describe('list reducer', () => {
  test('moves the cursor one row per action and stops at both ends', () => {
    const list = createList({items: items(5), height: 3});
    expect(apply(list, {type: 'down'}, {type: 'down'}).cursor).toBe(2);
    expect(apply(list, ...Array<ListAction>(9).fill({type: 'down'})).cursor).toBe(4);
    expect(apply(list, {type: 'up'}).cursor).toBe(0);
  });

  test('scrolls the window just enough to keep the cursor visible', () => {
    const list = createList({items: items(10), height: 3});
    const moved = apply(list, {type: 'down'}, {type: 'down'}, {type: 'down'});
    expect(moved.cursor).toBe(3);
    expect(listWindow(moved).ids).toEqual(['item-1', 'item-2', 'item-3']);
    const back = apply(moved, {type: 'up'}, {type: 'up'});
    expect(listWindow(back).ids).toEqual(['item-1', 'item-2', 'item-3']);
    expect(listWindow(back).cursorRow).toBe(0);
  });

  test('pages by the height it is drawn in, and home/end jump to the ends', () => {
    const list = createList({items: items(20), height: 5});
    expect(apply(list, {type: 'pageDown'}).cursor).toBe(5);
    expect(apply(list, {type: 'pageDown'}, {type: 'pageDown'}, {type: 'pageUp'}).cursor).toBe(5);
    expect(apply(list, {type: 'end'}).cursor).toBe(19);
    expect(listWindow(apply(list, {type: 'end'})).ids.at(-1)).toBe('item-19');
    expect(apply(list, {type: 'end'}, {type: 'home'}).cursor).toBe(0);
  });

  test('keeps the cursor on the same item when items are inserted above it', () => {
    const list = apply(createList({items: items(5), height: 3}), {type: 'down'}, {type: 'down'});
    expect(listWindow(list).selectedId).toBe('item-2');
    const next = listReducer(list, {type: 'setItems', items: [{id: 'new', text: 'new'}, ...items(5)]});
    expect(listWindow(next).selectedId).toBe('item-2');
    expect(next.cursor).toBe(3);
  });

  test('keeps the cursor at the same position when its item disappears', () => {
    const list = apply(createList({items: items(5)}), {type: 'down'}, {type: 'down'});
    const next = listReducer(list, {type: 'setItems', items: items(5).filter((i) => i.id !== 'item-2')});
    expect(listWindow(next).selectedId).toBe('item-3');
    const shorter = listReducer(list, {type: 'setItems', items: items(2)});
    expect(listWindow(shorter).selectedId).toBe('item-1');
  });

  test('returns the same state for the same items, so nothing re-renders', () => {
    const list = createList({items: items(3)});
    expect(listReducer(list, {type: 'setItems', items: items(3)})).toBe(list);
  });

  test('filters case-insensitively and keeps the selected item when it still matches', () => {
    const list = createList({
      items: [
        {id: 'a', text: 'web frontend'},
        {id: 'b', text: 'api'},
        {id: 'c', text: 'WEB worker'},
      ],
    });
    const onC = apply(list, {type: 'end'});
    const filtered = listReducer(onC, {type: 'setFilter', filter: 'web'});
    expect(filtered.ids).toEqual(['a', 'c']);
    expect(listWindow(filtered).selectedId).toBe('c');
    expect(listReducer(filtered, {type: 'setFilter', filter: ''}).ids).toEqual(['a', 'b', 'c']);
  });

  test('an empty list has no selection and ignores moves', () => {
    const list = apply(createList(), {type: 'down'}, {type: 'pageDown'}, {type: 'end'});
    expect(listWindow(list)).toMatchObject({ids: [], selectedId: undefined, cursorRow: -1, count: 0});
  });

  test('a scroll list moves its window, not a cursor, and never scrolls past the last page', () => {
    const list = createList({items: items(10), height: 4, scroll: true});
    expect(listWindow(apply(list, {type: 'down'})).ids[0]).toBe('item-1');
    expect(listWindow(apply(list, {type: 'end'})).ids).toEqual(['item-6', 'item-7', 'item-8', 'item-9']);
    expect(listWindow(apply(list, {type: 'pageDown'}, {type: 'pageDown'}, {type: 'pageDown'})).above).toBe(6);
    expect(listWindow(list).cursorRow).toBe(-1);
  });

  test('a window drawn at a smaller height than stored still contains the cursor', () => {
    const list = apply(createList({items: items(30), height: 20}), {type: 'pageDown'}, {type: 'down'});
    const w = listWindow(list, 5);
    expect(w.ids).toHaveLength(5);
    expect(w.ids[w.cursorRow]).toBe(`item-${list.cursor}`);
  });

  test('shrinking the height keeps the cursor in view', () => {
    const list = apply(createList({items: items(30), height: 20}), {type: 'pageDown'});
    const small = listReducer(list, {type: 'setHeight', height: 4});
    const w = listWindow(small);
    expect(w.ids[w.cursorRow]).toBe(`item-${small.cursor}`);
  });
});

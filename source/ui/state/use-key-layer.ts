/**
 * The console's one useInput. Each key of a chunk is resolved against the state the previous key
 * left (the store updates synchronously), so "jjj", three Down arrows, or "/web\r" typed ahead over
 * a slow link all do what they would have done one by one.
 */
import {useCallback, useRef} from 'react';
import {type Key, useInput} from 'ink';
import type {UiActions} from './commands.js';
import {decodeKeys} from '../keys/decode-keys.js';

export function useKeyLayer(actions: UiActions): void {
  const current = useRef(actions);
  current.current = actions;
  const onInput = useCallback((input: string, key: Key) => {
    for (const pressed of decodeKeys(input, key)) current.current.key(pressed);
  }, []);
  useInput(onInput);
}

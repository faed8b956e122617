/**
 * Colour by meaning, in one place. With colour off (NO_COLOR, --no-color) every tone is plain text:
 * no escape codes at all, and statuses still read by their symbols.
 */
import {createContext, useContext, type ReactNode} from 'react';
import type {TextProps} from 'ink';

export type Tone =
  | 'ok'
  | 'warn'
  | 'bad'
  | 'muted'
  | 'accent'
  | 'title'
  | 'added'
  | 'removed'
  | 'changed'
  | 'selected'
  | 'badge'
  | 'plain';

type Style = Pick<TextProps, 'color' | 'backgroundColor' | 'bold' | 'dimColor' | 'inverse'>;

const STYLES: Record<Tone, Style> = {
  ok: {color: 'green'},
  warn: {color: 'yellow'},
  bad: {color: 'red'},
  muted: {dimColor: true},
  accent: {color: 'cyan'},
  title: {bold: true},
  added: {color: 'green'},
  removed: {color: 'red'},
  changed: {color: 'yellow'},
  selected: {inverse: true},
  badge: {color: 'black', backgroundColor: 'yellow', bold: true},
  plain: {},
};

const ColorContext = createContext(true);

export function ColorProvider({enabled, children}: {enabled: boolean; children: ReactNode}) {
  return <ColorContext.Provider value={enabled}>{children}</ColorContext.Provider>;
}

/** `style(tone)` → Text props, empty when colour is off. */
export function useTone(): (tone: Tone | undefined) => Style {
  const enabled = useContext(ColorContext);
  return (tone) => (enabled && tone ? STYLES[tone] : {});
}

/** NO_COLOR (any non-empty value, see no-color.org) or an explicit flag turns colour off. */
export function colorEnabled(opts: {noColor?: boolean; env?: NodeJS.ProcessEnv}): boolean {
  if (opts.noColor) return false;
  const env = opts.env ?? process.env;
  return !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
}

/**
 * The console's only Text: Ink's Text with every string child made terminal-safe. Service names,
 * env values, labels, image references, task errors and error messages come from the swarm, the
 * history or a registry; through this component a control character in them is shown escaped
 * (`\x1b`, `\n`) instead of reaching the terminal, where it could clear the screen, set the window
 * title or forge a line. Views import Text from here, never from 'ink' (a test holds them to it).
 */
import {Children, type ComponentProps, type ReactNode} from 'react';
import {Text as InkText} from 'ink';
import {terminalSafe} from '../../shared/terminal-text.js';

function safeChildren(children: ReactNode): ReactNode {
  if (typeof children === 'string') return terminalSafe(children);
  if (Array.isArray(children))
    return Children.map(children, (child) => (typeof child === 'string' ? terminalSafe(child) : child));
  return children;
}

export function Text({children, ...props}: ComponentProps<typeof InkText>) {
  return <InkText {...props}>{safeChildren(children)}</InkText>;
}

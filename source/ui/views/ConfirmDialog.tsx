/** Confirms redeploy, snapshot-now, delete-version, and quitting while a rollout runs. Focus starts on Cancel; esc cancels. */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import {Menu} from '../components/Menu.js';
import {TitleLine} from '../components/TitleLine.js';
import type {ConfirmAction, Dialog} from '../state/ui-state.js';
import {useTone} from '../theme/tone.js';

const TEXT: Record<
  ConfirmAction,
  {
    question: (d: Extract<Dialog, {kind: 'confirm'}>) => string;
    detail: string | ((d: Extract<Dialog, {kind: 'confirm'}>) => string);
  }
> = {
  redeploy: {
    question: (d) => `Redeploy ${d.service}?`,
    detail: 'Restarts every task on the live spec (a forced update), with the service’s update settings.',
  },
  snapshot: {
    question: (d) => `Snapshot ${d.service} now?`,
    detail: 'Records the live spec as a new version, unless it is recorded already.',
  },
  deleteVersion: {
    question: (d) => `Delete v${d.version} of ${d.service} from the history?`,
    detail: 'Removes its history row, local tag and registry tag: it can no longer be diffed or rolled back to.',
  },
  quit: {
    question: (d) =>
      d.stack !== undefined
        ? `A rollback of stack ${d.stack} is running; Swarm will finish its updates. Quit?`
        : `A rollout of ${d.service} is running; Swarm will finish it. Quit?`,
    detail: (d) =>
      d.stack !== undefined
        ? `Swarm carries on without the console; 'dokroll-tui stack rollback ${d.stack} --resume' finishes it (verdict, revision).`
        : 'Swarm carries on without the console; start it again and press p (or run rollback --resume) for the verdict.',
  },
};

export function ConfirmDialog({
  dialog,
  width,
  height,
}: {
  dialog: Extract<Dialog, {kind: 'confirm'}>;
  width: number;
  height: number;
}) {
  const tone = useTone();
  const text = TEXT[dialog.action];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width}>
        <Text {...tone('title')}>{text.question(dialog)}</Text>
      </TitleLine>
      <Text> </Text>
      <Text wrap="wrap">{typeof text.detail === 'string' ? text.detail : text.detail(dialog)}</Text>
      <Text> </Text>
      <Menu />
    </Box>
  );
}

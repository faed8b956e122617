/**
 * A rollback or redeploy as it happens: a bar per slot (old task → new task), overall progress,
 * elapsed and ETA, Swarm's UpdateStatus message, then the health watch and its verdict. Everything
 * comes from the model's state, so the operator can leave (esc) and come back (p) at any time.
 */
import React from 'react';
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {SlotProgress, TaskBrief} from '../../domain/rollout-progress.js';
import type {RolloutView} from '../../services/console-model.js';
import {TitleLine} from '../components/TitleLine.js';
import {fit, formatElapsed} from '../format.js';
import {useSpinner} from '../hooks/use-spinner.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS, taskStateMark} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';
import {bar, overallFraction, PHASE_TEXT, RESULT_MARK, rolloutTitle, slotFraction} from './progress-parts.js';

const SLOT_W = 6;
const TASK_W = 16;

function TaskCell({task, width}: {task: TaskBrief | undefined; width: number}) {
  const tone = useTone();
  if (!task) return <Text {...tone('muted')}>{fit('—', width)}</Text>;
  const mark = taskStateMark(task.state);
  const health = task.health ? ` ${healthMark(task.health).symbol}` : '';
  return <Text {...tone(mark.tone)}>{fit(`${mark.symbol} ${task.state}${health}`, width)}</Text>;
}

function SlotRow({slot, width}: {slot: SlotProgress; width: number}) {
  const tone = useTone();
  const barWidth = Math.max(4, width - 2 - SLOT_W - TASK_W - 3 - TASK_W - 1 - 5);
  const failed = slot.new !== undefined && taskStateMark(slot.new.state).tone === 'bad';
  const barTone: Tone = slot.done ? 'ok' : failed ? 'bad' : 'accent';
  return (
    <Text wrap="truncate-end">
      {'  '}
      {fit(slot.slotNumber !== null ? slot.slot : slot.slot.slice(0, SLOT_W), SLOT_W)}
      <TaskCell task={slot.old} width={TASK_W} />
      <Text {...tone('muted')}> {SYMBOLS.arrow} </Text>
      <TaskCell task={slot.new} width={TASK_W} />{' '}
      <Text {...tone(barTone)}>{bar(slotFraction(slot), barWidth)}</Text>
      {slot.done ? ' done' : failed ? ` ${SYMBOLS.failed}` : ''}
    </Text>
  );
}

function Verdict({rollout, spinner}: {rollout: RolloutView; spinner: string}) {
  const tone = useTone();
  if (!rollout.verdict) {
    return <Text {...tone('muted')}>health watch: starts when the update has converged</Text>;
  }
  const mark = healthMark(rollout.verdict.status);
  const waiting = rollout.verdict.status === 'pending';
  return (
    <Text wrap="truncate-end">
      <Text {...tone('muted')}>health watch: </Text>
      <Text {...tone(mark.tone)}>
        {waiting ? spinner : mark.symbol} {rollout.verdict.status}
      </Text>
      <Text {...tone('muted')}> — {rollout.verdict.reasons.join('; ')}</Text>
      {waiting && rollout.watch ? (
        <Text {...tone('muted')}>
          {' '}
          · {Math.floor(rollout.watch.elapsedMs / 1000)}s of {Math.round(rollout.watch.windowMs / 1000)}s
        </Text>
      ) : null}
    </Text>
  );
}

function Result({rollout}: {rollout: RolloutView}) {
  const tone = useTone();
  if (!rollout.done) return null;
  const mark = rollout.result ? RESULT_MARK[rollout.result] : {symbol: SYMBOLS.failed, tone: 'bad' as Tone};
  return (
    <Text wrap="truncate-end" {...tone(mark.tone)}>
      {mark.symbol} result: {rollout.result ?? 'failed'}
      {rollout.error ? ` — ${rollout.error}` : ''}
      <Text {...tone('muted')}>{'  (esc back)'}</Text>
    </Text>
  );
}

export function ProgressPanel({service, width, height}: {service: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const rollout = state.console.rollouts[service];
  const spinner = useSpinner(rollout === undefined || !rollout.done);
  if (!rollout) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <TitleLine width={width}>
          <Text {...tone('title')}>{service}</Text>
        </TitleLine>
        <Text {...tone('muted')}>{spinner} waiting for the rollout to report…</Text>
      </Box>
    );
  }
  const {progress} = rollout;
  const phase = PHASE_TEXT[progress.phase];
  const eta = progress.etaMs === null ? '—' : formatElapsed(progress.etaMs);
  const overallWidth = Math.max(10, Math.min(40, width - 40));
  // title, overall, message, blank, header, verdict, result, errors(≤2)
  const errors = progress.errors.slice(-2);
  const slotRows = Math.max(1, height - 7 - errors.length);
  const slots = progress.slots.slice(0, slotRows);
  const hidden = progress.slots.length - slots.length;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={`elapsed ${formatElapsed(progress.elapsedMs)} · ETA ${eta}`}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}> · {rolloutTitle(service, rollout)}</Text>
      </TitleLine>
      <Text wrap="truncate-end">
        <Text {...tone(phase.tone)}>
          {phase.waiting && !rollout.done ? spinner : phase.symbol} {fit(phase.text, 22)}
        </Text>
        <Text {...tone(progress.converged ? 'ok' : 'accent')}>{bar(overallFraction(progress), overallWidth)}</Text>
        {` ${progress.slotsDone}/${progress.slotsTotal} ${progress.slotsTotal === 1 ? 'slot' : 'slots'}`}
      </Text>
      <Text wrap="truncate-end" {...tone('muted')}>
        {progress.message ? `swarm: ${progress.message}` : progress.updateState ? `swarm: ${progress.updateState}` : ' '}
      </Text>
      <Text {...tone('muted')}>
        {'  '}
        {fit('SLOT', SLOT_W)}
        {fit('OLD TASK', TASK_W)}
        {'   '}
        {fit('NEW TASK', TASK_W)}
        {hidden > 0 ? ` (+${hidden} more slots)` : ''}
      </Text>
      {slots.map((slot) => (
        <SlotRow key={slot.slot} slot={slot} width={width} />
      ))}
      {errors.map((error) => (
        <Text key={error} wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} {error}
        </Text>
      ))}
      <Text> </Text>
      <Verdict rollout={rollout} spinner={spinner} />
      <Result rollout={rollout} />
    </Box>
  );
}

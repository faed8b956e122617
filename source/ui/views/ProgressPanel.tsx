/**
 * A rollback or redeploy as it happens: a bar per slot (old task → new task), overall progress,
 * elapsed and ETA, Swarm's UpdateStatus message, then the health watch and its verdict. Everything
 * comes from the model's state, so the operator can leave (esc) and come back (p) at any time.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {SlotProgress, TaskBrief} from '../../domain/rollout-progress.js';
import type {RolloutView} from '../../services/console-model.js';
import {TitleLine} from '../components/TitleLine.js';
import {fit, formatElapsed} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {SPINNER_INTERVAL_MS, spinnerFrame} from '../hooks/use-spinner.js';
import {taskRows} from '../state/rows.js';
import {isAvailable, readOnlyFor} from '../state/selectors.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS, taskStateMark} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';
import {
  bar,
  failureLines,
  followSlots,
  overallFraction,
  PHASE_TEXT,
  RESULT_MARK,
  rolloutTitle,
  slotFailed,
  slotFraction,
  slotsThatFit,
  wrappedHeight,
} from './progress-parts.js';
import {failingTaskIds, MetricsLine, TAIL_LINES, tailLines, TailLines} from './rollout-tail.js';

const SLOT_W = 6;
const TASK_W = 16;

function TaskCell({task, width}: {task: TaskBrief | undefined; width: number}) {
  const tone = useTone();
  if (!task) return <Text {...tone('muted')}>{fit('—', width)}</Text>;
  const mark = taskStateMark(task.state);
  const health = task.health ? ` ${healthMark(task.health).symbol}` : '';
  return <Text {...tone(mark.tone)}>{fit(`${mark.symbol} ${task.state}${health}`, width)}</Text>;
}

function SlotRow({slot, width, failures}: {slot: SlotProgress; width: number; failures: readonly string[]}) {
  const tone = useTone();
  const barWidth = Math.max(4, width - 2 - SLOT_W - TASK_W - 3 - TASK_W - 1 - 5);
  const failed = (slot.new !== undefined && taskStateMark(slot.new.state).tone === 'bad') || slotFailed(slot, failures);
  const barTone: Tone = slot.done ? 'ok' : failed ? 'bad' : 'accent';
  const row = (
    <Text wrap="truncate-end">
      {'  '}
      {fit(slot.slotNumber !== null ? slot.slot : slot.slot.slice(0, SLOT_W), SLOT_W)}
      <TaskCell task={slot.old} width={TASK_W} />
      <Text {...tone('muted')}> {SYMBOLS.arrow} </Text>
      <TaskCell task={slot.new} width={TASK_W} /> <Text {...tone(barTone)}>{bar(slotFraction(slot), barWidth)}</Text>
      {slot.done ? ' done' : failed ? ` ${SYMBOLS.failed}` : ''}
    </Text>
  );
  if (!slot.lost) return row;
  // A task lost with its node: the node, why, and that Swarm moved it (the row above follows the move).
  return (
    <>
      {row}
      <Text wrap="truncate-end" {...tone('warn')}>
        {' '.repeat(2 + SLOT_W)}
        {SYMBOLS.degraded} {slot.lost}
      </Text>
    </>
  );
}

/** The rollout's clocks at `now`: each counts from the moment the model last measured it. */
export function rolloutClocks(
  rollout: RolloutView,
  now: number,
): {elapsedMs: number; etaMs: number | null; watchMs: number | null} {
  const {progress} = rollout;
  const end = rollout.endedAt ?? now;
  const elapsedMs = rollout.startedAt !== undefined ? Math.max(0, end - rollout.startedAt) : progress.elapsedMs;
  const since = (at: number | undefined) => (at === undefined || rollout.done ? 0 : Math.max(0, now - at));
  const etaMs = progress.etaMs === null ? null : Math.max(0, progress.etaMs - since(rollout.progressAt));
  const watch = rollout.watch;
  const watchMs = watch ? Math.min(watch.windowMs, watch.elapsedMs + since(watch.at)) : null;
  return {elapsedMs, etaMs, watchMs};
}

function Verdict({rollout, spinner, watchMs}: {rollout: RolloutView; spinner: string; watchMs: number | null}) {
  const tone = useTone();
  if (!rollout.verdict) {
    const stopped = rollout.done || !PHASE_TEXT[rollout.progress.phase].waiting;
    return (
      <Text {...tone('muted')}>
        {stopped
          ? 'health watch: not run (the update did not converge)'
          : 'health watch: starts when the update has converged'}
      </Text>
    );
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
      {rollout.verdict.from?.length ? (
        <Text {...tone('muted')}> · health from {rollout.verdict.from.join(', ')}</Text>
      ) : null}
      {waiting && rollout.watch && watchMs !== null ? (
        <Text {...tone('muted')}>
          {' '}
          · {Math.floor(watchMs / 1000)}s of {Math.round(rollout.watch.windowMs / 1000)}s
        </Text>
      ) : null}
    </Text>
  );
}

function Result({rollout, revert, lastGood}: {rollout: RolloutView; revert: boolean; lastGood: boolean}) {
  const tone = useTone();
  if (!rollout.done) return null;
  const mark = rollout.result ? RESULT_MARK[rollout.result] : {symbol: SYMBOLS.failed, tone: 'bad' as Tone};
  const steps = [
    revert ? `b revert to v${rollout.from}, the version live before` : '',
    lastGood ? 'L roll back to the last known good version' : '',
  ].filter(Boolean);
  return (
    <>
      <Text wrap="wrap" {...tone(mark.tone)}>
        {mark.symbol} result: {rollout.result ?? 'failed'}
        {rollout.error ? ` — ${rollout.error}` : ''}
        <Text {...tone('muted')}>{'  (esc back)'}</Text>
      </Text>
      {steps.length > 0 ? (
        <Text wrap="wrap" {...tone('accent')}>
          next: {steps.join(' · ')}
        </Text>
      ) : null}
    </>
  );
}

export function ProgressPanel({service, width, height}: {service: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const rollout = state.console.rollouts[service];
  const running = rollout === undefined || !rollout.done;
  // One clock at 4 fps while the rollout runs: the spinner turns each tick and the seconds (elapsed,
  // ETA, the health watch) change on whichever tick crosses a second, so ticking text stays ≤ 4 fps.
  const now = useNow(SPINNER_INTERVAL_MS, running);
  const spinner = running ? spinnerFrame(now) : ' ';
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
  // The next steps are rollbacks: never offered where changes are refused.
  const mutable = readOnlyFor(state, service) === null;
  const phase = PHASE_TEXT[progress.phase];
  const clocks = rolloutClocks(rollout, now);
  const eta = clocks.etaMs === null ? '—' : formatElapsed(clocks.etaMs);
  const overallWidth = Math.max(10, Math.min(40, width - 40));
  // title, overall, message, blank, header, verdict, result, then the failures, each wrapped whole
  // (newest kept when they do not all fit), and the slots in what is left (at least one row).
  const failures = failureLines(rollout);
  const errors: string[] = [];
  let errorRows = 0;
  for (const line of [...failures].reverse()) {
    const rows = wrappedHeight(`${SYMBOLS.failed} ${line}`, width);
    if (errorRows + rows > Math.max(0, height - 8)) break;
    errors.unshift(line);
    errorRows += rows;
  }
  // The new tasks' CPU/memory (during the watch) and the last lines of their logs, as room allows.
  const metricsRows = rollout.metrics ? 1 : 0;
  const tail = tailLines(rollout, Math.min(TAIL_LINES, Math.max(0, height - 8 - errorRows - metricsRows)));
  const slotRows = Math.max(1, height - 7 - errorRows - metricsRows - tail.length);
  // Once it ended, the slots follow the service as it is now (a crash-looping slot stays visible).
  const following = rollout.done && rollout.result !== 'reverted';
  const allSlots = following
    ? followSlots(progress.slots, taskRows(state.console, service), rollout.to)
    : progress.slots;
  const slots = slotsThatFit(allSlots, slotRows);
  const hidden = progress.slots.length - slots.length;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={`elapsed ${formatElapsed(clocks.elapsedMs)} · ETA ${eta}`}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}> · {rolloutTitle(rollout)}</Text>
      </TitleLine>
      <Text wrap="truncate-end">
        <Text {...tone(phase.tone)}>
          {phase.waiting && !rollout.done ? spinner : phase.symbol} {fit(phase.text, 22)}
        </Text>
        <Text {...tone(progress.converged ? 'ok' : 'accent')}>{bar(overallFraction(progress), overallWidth)}</Text>
        {progress.slotsTotal > 0
          ? ` ${progress.slotsDone}/${progress.slotsTotal} ${progress.slotsTotal === 1 ? 'slot' : 'slots'}`
          : ''}
      </Text>
      <Text wrap="truncate-end" {...tone('muted')}>
        {progress.message
          ? `swarm: ${progress.message}`
          : progress.updateState
            ? `swarm: ${progress.updateState}`
            : ' '}
      </Text>
      <Text {...tone('muted')}>
        {'  '}
        {fit('SLOT', SLOT_W)}
        {fit('OLD TASK', TASK_W)}
        {'   '}
        {fit(following ? 'NEW TASK (now)' : 'NEW TASK', TASK_W)}
        {hidden > 0 ? ` (+${hidden} more slots)` : ''}
      </Text>
      {slots.map((slot) => (
        <SlotRow key={slot.slot} slot={slot} width={width} failures={failures} />
      ))}
      {errors.map((error) => (
        <Box key={error} width={width}>
          <Text wrap="wrap" {...tone('bad')}>
            {SYMBOLS.failed} {error}
          </Text>
        </Box>
      ))}
      <TailLines lines={tail} failing={failingTaskIds(rollout)} />
      <Text> </Text>
      <Verdict rollout={rollout} spinner={spinner} watchMs={clocks.watchMs} />
      <MetricsLine rollout={rollout} />
      <Result
        rollout={rollout}
        revert={mutable && isAvailable(state, 'revertRollout')}
        lastGood={mutable && isAvailable(state, 'lastGoodRollback')}
      />
    </Box>
  );
}

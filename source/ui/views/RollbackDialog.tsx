/**
 * Confirms a rollback: the pre-flight checks, what will change, and the choice. Focus starts on
 * Cancel; esc cancels; a failed pre-flight offers only Cancel.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {PreflightReport} from '../../services/console-model.js';
import {Menu} from '../components/Menu.js';
import {TitleLine} from '../components/TitleLine.js';
import {useSpinner} from '../hooks/use-spinner.js';
import {dialogChoices} from '../state/dialog-choices.js';
import type {Dialog} from '../state/ui-state.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';
import {summarizeDiff} from '../../domain/diff.js';

function Checks({report, width, height}: {report: PreflightReport; width: number; height: number}) {
  const tone = useTone();
  const failed = report.checks.filter((c) => !c.ok);
  // Failures first when they do not all fit.
  const checks = report.checks.length > height ? [...failed, ...report.checks.filter((c) => c.ok)] : report.checks;
  const shown = checks.slice(0, height);
  const hidden = checks.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((check) => (
        <Text key={check.name} wrap="truncate-end">
          <Text {...tone(check.ok ? 'ok' : 'bad')}>{check.ok ? SYMBOLS.healthy : SYMBOLS.failed}</Text> {check.name}
          <Text {...tone('muted')}>{check.detail ? `  ${check.detail}` : ''}</Text>
        </Text>
      ))}
      {hidden > 0 ? <Text {...tone('muted')}>… {hidden} more checks</Text> : null}
    </Box>
  );
}

export function RollbackDialog({
  dialog,
  live,
  width,
  height,
}: {
  dialog: Extract<Dialog, {kind: 'rollback'}>;
  live: number | null;
  width: number;
  height: number;
}) {
  const tone = useTone();
  const loading = dialog.preflight.status === 'loading';
  const spinner = useSpinner(loading);
  const report = dialog.preflight.status === 'ready' ? dialog.preflight.value : null;
  const items = dialogChoices(dialog);
  const warnings = report?.warnings ?? [];
  // title, blank, checks…, summary, warnings…, blank, verdict, menu
  const checksHeight = Math.max(1, height - 5 - items.length - warnings.length);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width}>
        <Text {...tone('title')}>
          Roll back {dialog.service} {live !== null ? `from v${live} ` : ''}to v{dialog.version}?
        </Text>
      </TitleLine>
      <Text> </Text>
      {loading ? (
        <Text>
          <Text {...tone('accent')}>{spinner}</Text> running pre-flight checks…
        </Text>
      ) : null}
      {dialog.preflight.status === 'error' ? (
        <Text wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} pre-flight could not run: {dialog.preflight.error}
        </Text>
      ) : null}
      {report ? (
        <>
          <Checks report={report} width={width} height={checksHeight} />
          <Text wrap="truncate-end">
            <Text {...tone('muted')}>changes: </Text>
            {summarizeDiff(report.diff)}
          </Text>
          {warnings.map((warning) => (
            <Text key={warning} wrap="truncate-end" {...tone('warn')}>
              {SYMBOLS.degraded} {warning}
            </Text>
          ))}
          <Text wrap="truncate-end" {...tone(report.ok ? 'ok' : 'bad')}>
            {report.ok
              ? `${SYMBOLS.healthy} pre-flight passed`
              : `${SYMBOLS.failed} pre-flight failed: rollback not offered`}
          </Text>
        </>
      ) : null}
      <Text> </Text>
      <Menu />
    </Box>
  );
}

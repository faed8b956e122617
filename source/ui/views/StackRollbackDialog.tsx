/**
 * Confirms a rollback of a whole stack: one line per service with what the rollback does to it (as
 * `stack rollback --dry-run`: roll back vA → vK, unchanged, re-create, kept), its failing pre-flight
 * checks under it, then the verdict and the choice. Focus starts on Cancel; a failed pre-flight names
 * the service and the check and offers only Cancel.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {StackServicePlanRow} from '../../services/console-model.js';
import {Menu} from '../components/Menu.js';
import {TitleLine} from '../components/TitleLine.js';
import {useSpinner} from '../hooks/use-spinner.js';
import {dialogChoices} from '../state/dialog-choices.js';
import type {Dialog} from '../state/ui-state.js';
import {SYMBOLS} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';

/** What the rollback does to the service, in the words of `stack rollback --dry-run`. */
export function planAction(
  p: Pick<StackServicePlanRow, 'action' | 'from' | 'to'>,
  revision: number,
): {text: string; tone: Tone} {
  switch (p.action) {
    case 'rollback':
      return {text: `roll back v${p.from ?? '?'} ${SYMBOLS.arrow} v${p.to}`, tone: 'accent'};
    case 'unchanged':
      return {text: `unchanged (v${p.to})`, tone: 'muted'};
    case 'recreate':
      return {text: `re-create v${p.to} (removed since r${revision})`, tone: 'warn'};
    case 'remove':
      return {text: 'remove (added since)', tone: 'bad'};
    case 'keep':
      return {text: `kept (added since r${revision})`, tone: 'muted'};
  }
}

function PlanRows({
  services,
  revision,
  width,
  height,
}: {
  services: StackServicePlanRow[];
  revision: number;
  width: number;
  height: number;
}) {
  const tone = useTone();
  const lines = services.flatMap((p) => [
    {key: p.service, service: p, check: null},
    ...p.checks.filter((c) => !c.ok).map((check) => ({key: `${p.service}/${check.name}`, service: p, check})),
  ]);
  const shown = lines.slice(0, height);
  const hidden = lines.length - shown.length;
  const nameWidth = Math.min(30, Math.max(...services.map((p) => [...p.service].length), 8) + 1);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map(({key, service, check}) => {
        if (check) {
          return (
            <Text key={key} wrap="truncate-end" {...tone('bad')}>
              {'    '}
              {SYMBOLS.failed} {check.name}: {check.detail}
            </Text>
          );
        }
        const action = planAction(service, revision);
        const ok = service.checks.every((c) => c.ok);
        return (
          <Text key={key} wrap="truncate-end">
            <Text {...tone(ok ? 'ok' : 'bad')}>{ok ? SYMBOLS.healthy : SYMBOLS.failed}</Text>{' '}
            {service.service.padEnd(nameWidth)}
            <Text {...tone(action.tone)}>{action.text}</Text>
          </Text>
        );
      })}
      {hidden > 0 ? <Text {...tone('muted')}>… {hidden} more lines</Text> : null}
    </Box>
  );
}

export function StackRollbackDialog({
  dialog,
  width,
  height,
}: {
  dialog: Extract<Dialog, {kind: 'stackRollback'}>;
  width: number;
  height: number;
}) {
  const tone = useTone();
  const loading = dialog.preflight.status === 'loading';
  const spinner = useSpinner(loading);
  const plan = dialog.preflight.status === 'ready' ? dialog.preflight.value : null;
  const items = dialogChoices(dialog);
  const nothing = plan?.ok === true && plan.services.every((p) => p.action === 'unchanged' || p.action === 'keep');
  // title, blank, plan…, verdict, blank, menu
  const planHeight = Math.max(1, height - 4 - items.length);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width}>
        <Text {...tone('title')}>
          Roll back stack {dialog.stack} to r{dialog.revision}?
        </Text>
      </TitleLine>
      <Text> </Text>
      {loading ? (
        <Text>
          <Text {...tone('accent')}>{spinner}</Text> running the pre-flight checks of every service…
        </Text>
      ) : null}
      {dialog.preflight.status === 'error' ? (
        <Text wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} pre-flight could not run: {dialog.preflight.error}
        </Text>
      ) : null}
      {plan ? (
        <>
          <PlanRows services={plan.services} revision={dialog.revision} width={width} height={planHeight} />
          <Text wrap="truncate-end" {...tone(plan.ok ? 'ok' : 'bad')}>
            {!plan.ok
              ? `${SYMBOLS.failed} pre-flight failed: ${plan.failure ?? 'a check failed'} — rollback not offered`
              : nothing
                ? `${SYMBOLS.healthy} stack ${dialog.stack} already runs r${dialog.revision}: nothing to do`
                : `${SYMBOLS.healthy} pre-flight passed for every service`}
          </Text>
        </>
      ) : null}
      <Text> </Text>
      <Menu />
    </Box>
  );
}

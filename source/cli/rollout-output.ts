/**
 * What `rollback` and `redeploy` print: human lines (one per progress change, no cursor tricks)
 * and `--json` objects (one per line: preflight, applied, progress, health, reverting, then verdict).
 */
import {formatDuration} from '../domain/format.js';
import type {HealthVerdict} from '../domain/health-verdict.js';
import type {RolloutPhase, RolloutProgress, SlotProgress} from '../domain/rollout-progress.js';
import type {RolloutOutcome, RolloutPlan, RolloutResult, RolloutSettings} from '../services/rollback/index.js';
import {EXIT} from '../shared/errors.js';
import {jsonDiff, renderDiffLines} from './commands/diff.js';

/** Exit status of a rollout: 0 healthy, 1 failed or reverted, 3 degraded, 4 conflict, 130 interrupted. */
export const RESULT_EXIT: Record<RolloutResult, number> = {
  healthy: EXIT.ok,
  degraded: EXIT.degraded,
  failed: EXIT.failed,
  reverted: EXIT.failed,
  conflict: EXIT.conflict,
  interrupted: 130,
};

const PHASE_LABEL: Record<RolloutPhase, string> = {
  preparing: 'preparing',
  updating: 'updating',
  monitoring: 'monitoring',
  done: 'converged',
  paused: 'PAUSED by Swarm',
  'rolling-back': 'Swarm ROLLING BACK',
  'rolled-back': 'ROLLED BACK by Swarm',
  failed: 'FAILED',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function versionLabel(version: number | null): string {
  return version === null ? 'unrecorded' : `v${version}`;
}

export function describeSettings(settings: RolloutSettings): string {
  const monitor = settings.monitorMs === null ? 'Swarm default (5s)' : formatDuration(settings.monitorMs);
  const failure = settings.failureAction ?? 'pause (Swarm default)';
  return `${settings.order}, parallelism ${settings.parallelism}, delay ${formatDuration(settings.delayMs)}, monitor ${monitor}, on failure ${failure}`;
}

export function slotText(slot: SlotProgress): string {
  const node = slot.new?.node ?? slot.old?.node;
  const label =
    (/^\d+$/.test(slot.slot) ? `slot ${slot.slot}` : `node ${slot.slot.slice(0, 12)}`) + (node ? ` (${node})` : '');
  const lost = slot.lost ? ` [${slot.lost}]` : '';
  if (!slot.new) return `${label}: ${slot.old?.state ?? 'pending'}${lost}`;
  const extra = slot.new.health ? `new, ${slot.new.health}` : 'new';
  const current = `${slot.new.state} (${extra})`;
  return (slot.old ? `${label}: ${slot.old.state} → ${current}` : `${label}: ${current}`) + lost;
}

/** `[12.3s] updating 2/3 slots  slot 1: running → running (new)  slot 2: …  eta 3s` */
export function progressLine(progress: RolloutProgress): string {
  const parts = [
    `[${seconds(progress.elapsedMs)}] ${PHASE_LABEL[progress.phase]} ${progress.slotsDone}/${progress.slotsTotal} slots`,
  ];
  parts.push(...progress.slots.map(slotText));
  if (progress.etaMs !== null && progress.etaMs > 0) parts.push(`eta ${Math.ceil(progress.etaMs / 1000)}s`);
  if (progress.message && progress.phase !== 'done') parts.push(`(${progress.message})`);
  const error = progress.errors.at(-1);
  if (error) parts.push(`error: ${error}`);
  return parts.join('  ');
}

export function healthLine(elapsedMs: number, windowMs: number, verdict: HealthVerdict): string {
  const status = verdict.status === 'pending' ? 'watching' : verdict.status;
  return `[health ${seconds(elapsedMs)}/${seconds(windowMs)}] ${status}: ${verdict.reasons.join('; ')}`;
}

export function preflightLines(plan: RolloutPlan): string[] {
  const what =
    plan.kind === 'redeploy'
      ? `redeploy ${plan.serviceName}: forced rolling restart of ${versionLabel(plan.fromVersion)} (no new version)`
      : `rollback ${plan.serviceName}: ${versionLabel(plan.fromVersion)} → v${plan.toVersion} (${plan.mode === 'full' ? 'full spec' : `${plan.mode} only`})`;
  const width = Math.max(...plan.report.checks.map((c) => c.name.length));
  const lines = [what, 'pre-flight:'];
  for (const check of plan.report.checks)
    lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`);
  if (plan.kind === 'rollback') {
    lines.push(`changes (live → v${plan.toVersion}):`);
    lines.push(...renderDiffLines(plan.report.diff).map((line) => `  ${line}`));
  }
  lines.push(...(plan.report.warnings ?? []).map((warning) => `warning: ${warning}`));
  lines.push(`update: ${describeSettings(plan.settings)}`);
  lines.push(...plan.notes.map((note) => `note: ${note}`));
  return lines;
}

export function verdictLines(outcome: RolloutOutcome): string[] {
  const took = outcome.durationMs > 0 ? ` in ${seconds(outcome.durationMs)}` : '';
  const why = outcome.reasons.length ? ` — ${outcome.reasons.join('; ')}` : '';
  const subject =
    outcome.kind === 'redeploy'
      ? `redeploy of ${outcome.service} (${versionLabel(outcome.from)})`
      : `rollback of ${outcome.service} from ${versionLabel(outcome.from)} to v${outcome.to}`;
  let head: string;
  switch (outcome.result) {
    case 'healthy':
    case 'degraded': {
      const recorded = outcome.recordedVersion !== null ? ` (recorded as v${outcome.recordedVersion})` : '';
      head = `${outcome.result}: ${subject}${recorded}${took}${why}`;
      break;
    }
    case 'reverted':
      head = `reverted: ${subject} failed; the spec live before is back${took}${why}`;
      break;
    case 'conflict':
      // The reasons name the service and what is in the way.
      head = `conflict: ${outcome.reasons.map((r) => r.replace(/^conflict: /, '')).join('; ') || subject}`;
      break;
    default:
      head = `${outcome.result}: ${subject}${took}${why}`;
  }
  const errors = outcome.errors.filter((e) => !outcome.reasons.includes(e)).map((e) => `  task error: ${e}`);
  const from = outcome.verdict?.from?.length ? [`  health from: ${outcome.verdict.from.join('; ')}`] : [];
  return [head, ...from, ...errors];
}

export function resumeHint(kind: 'rollback' | 'redeploy', service: string): string {
  return `dokroll-tui ${kind} ${service} --resume`;
}

// --- JSON lines ----------------------------------------------------------------------------

export function jsonPreflight(plan: RolloutPlan) {
  return {
    type: 'preflight',
    kind: plan.kind,
    service: plan.serviceName,
    from: plan.fromVersion,
    to: plan.toVersion,
    mode: plan.mode,
    ok: plan.report.ok,
    checks: plan.report.checks,
    diff: jsonDiff(plan.report.diff),
    warnings: plan.report.warnings ?? [],
    settings: plan.settings,
    notes: plan.notes,
  };
}

export function jsonProgress(progress: RolloutProgress) {
  return {
    type: 'progress',
    elapsedMs: progress.elapsedMs,
    phase: progress.phase,
    updateState: progress.updateState,
    slotsDone: progress.slotsDone,
    slotsTotal: progress.slotsTotal,
    etaMs: progress.etaMs,
    message: progress.message,
    slots: progress.slots.map((s) => ({
      slot: s.slot,
      done: s.done,
      old: s.old ?? null,
      new: s.new ?? null,
      ...(s.lost ? {lost: s.lost} : {}),
    })),
    errors: progress.errors,
  };
}

export function jsonHealth(elapsedMs: number, windowMs: number, verdict: HealthVerdict) {
  return {type: 'health', elapsedMs, windowMs, ...verdict};
}

export function jsonVerdict(outcome: RolloutOutcome) {
  return {
    type: 'verdict',
    kind: outcome.kind,
    result: outcome.result,
    service: outcome.service,
    from: outcome.from,
    to: outcome.to,
    recordedVersion: outcome.recordedVersion,
    durationMs: outcome.durationMs,
    reasons: outcome.reasons,
    errors: outcome.errors,
    health: outcome.verdict ?? null,
  };
}

/**
 * A vitest reporter that prints, at the end of a run, the ten test files that took longest (time
 * in their tests and hooks, plus importing them), with their project: where to look first when
 * the suite gets slow. Used next to vitest's default reporter (vitest.config.ts).
 *
 * It also writes the failed tests, a line each with the first line of their error, to
 * .testbed/failed-tests.txt (emptied on a run with none), which .ci/run prints last, after the
 * test bed's logs, so that the end of a failed run names what failed.
 */
import {existsSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {Reporter, TestModule} from 'vitest/node';

const SHOWN = 10;
const FAILURES_FILE = path.join('.testbed', 'failed-tests.txt');
const TIMELINE_FILE = path.join('.testbed', 'timeline.txt');

export default class SlowestFilesReporter implements Reporter {
  private readonly started = Date.now();
  private readonly timeline: string[] = [];

  onTestModuleStart(module: TestModule): void {
    this.timeline.push(`${((Date.now() - this.started) / 1000).toFixed(1)} start ${module.relativeModuleId}`);
  }

  onTestModuleEnd(module: TestModule): void {
    this.timeline.push(`${((Date.now() - this.started) / 1000).toFixed(1)} end ${module.relativeModuleId}`);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    writeFailures(testModules);
    if (existsSync(path.dirname(TIMELINE_FILE))) writeFileSync(TIMELINE_FILE, this.timeline.join('\n') + '\n');
    const timed = testModules
      .map((module) => {
        const diagnostic = module.diagnostic();
        return {
          file: module.relativeModuleId,
          project: module.project.name,
          ms: diagnostic.duration + diagnostic.collectDuration,
        };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    if (timed.length === 0) return;
    const lines = timed.map(
      ({file, project, ms}) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${project ? `[${project}] ` : ''}${file}`,
    );
    process.stdout.write(`\nSlowest ${timed.length} test files (tests, hooks and import):\n${lines.join('\n')}\n`);
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0]!.slice(0, 300);
}

function writeFailures(testModules: ReadonlyArray<TestModule>): void {
  if (!existsSync(path.dirname(FAILURES_FILE))) return;
  const lines: string[] = [];
  for (const module of testModules) {
    const moduleErrors = module.errors();
    const failedTests = [...module.children.allTests('failed')];
    for (const error of moduleErrors) lines.push(`${module.relativeModuleId}: ${firstLine(error.message)}`);
    if (module.state() === 'failed' && moduleErrors.length === 0 && failedTests.length === 0)
      lines.push(`${module.relativeModuleId}: failed (in a hook or at import)`);
    for (const test of failedTests) {
      const error = test.result().errors?.[0];
      lines.push(`${module.relativeModuleId} > ${test.fullName}: ${firstLine(error?.message)}`);
    }
  }
  writeFileSync(FAILURES_FILE, lines.length ? lines.join('\n') + '\n' : '');
}

/**
 * A vitest reporter that prints, at the end of a run, the ten test files that took longest (time
 * in their tests and hooks, plus importing them), with their project: where to look first when
 * the suite gets slow. Used next to vitest's default reporter (vitest.config.ts).
 */
import type {Reporter, TestModule} from 'vitest/node';

const SHOWN = 10;

export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
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

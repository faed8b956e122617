import {describe, expect, it} from 'vitest';
import {
  addToTally,
  cpuPercent,
  describeVersionMetrics,
  emptyTally,
  previousMeasured,
  taskMetricsText,
  versionMetrics,
} from '../../../source/domain/task-metrics.js';

const sample = (cpuTotalNs: number, systemNs: number, memoryBytes = 1024 * 1024) => ({
  cpuTotalNs,
  systemNs,
  onlineCpus: 2,
  memoryBytes,
  at: 0,
});

describe('task metrics', () => {
  it('computes CPU % between two samples as docker stats does (CPU time over host time, times online CPUs)', () => {
    expect(cpuPercent(sample(0, 0), sample(50_000_000, 1_000_000_000))).toBeCloseTo(10);
    expect(cpuPercent(sample(0, 1), sample(1, 1))).toBeNull();
    expect(cpuPercent({...sample(0, 0), systemNs: null}, sample(1, 2))).toBeNull();
  });

  it('says n/a and names the node for a task on another node, … before the second sample', () => {
    expect(taskMetricsText({kind: 'elsewhere', node: 'n2'})).toEqual({cpu: 'n/a (node n2)', memory: ''});
    expect(taskMetricsText({kind: 'measured', cpuPercent: null, memoryBytes: 84 * 1024 * 1024})).toEqual({
      cpu: '…',
      memory: '84MiB',
    });
    expect(taskMetricsText({kind: 'measured', cpuPercent: 12.345, memoryBytes: 1536})).toEqual({
      cpu: '12.3 %',
      memory: '1.5KiB',
    });
  });

  it('averages per task over the watch, leaving tasks of other nodes out', () => {
    let tally = emptyTally();
    tally = addToTally(tally, [
      {kind: 'measured', cpuPercent: null, memoryBytes: 100},
      {kind: 'elsewhere', node: 'n2'},
    ]);
    tally = addToTally(tally, [{kind: 'measured', cpuPercent: 2, memoryBytes: 300}]);
    expect(versionMetrics(tally, 1)).toEqual({cpuPercent: 2, memoryBytes: 200, restarts: 1, samples: 2});
    expect(versionMetrics(emptyTally(), 0)).toEqual({cpuPercent: null, memoryBytes: null, restarts: 0, samples: 0});
  });

  it("shows a version's metrics beside the version measured before it", () => {
    const mib = 1024 * 1024;
    const rows = [
      {number: 5, metrics: {cpuPercent: 0.5, memoryBytes: 82 * mib, restarts: 0, samples: 9}},
      {number: 4, metrics: null},
      {number: 3, metrics: {cpuPercent: 0.5, memoryBytes: 58.5 * mib, restarts: 2, samples: 9}},
    ];
    const previous = previousMeasured(rows, 0);
    expect(previous?.number).toBe(3);
    expect(describeVersionMetrics(rows[0]!.metrics!, previous)).toBe(
      'cpu 0.5 %, ±0 % vs v3 · mem 82MiB, +40 % vs v3 · 0 restarts (2 in v3)',
    );
    expect(describeVersionMetrics(rows[2]!.metrics!, previousMeasured(rows, 2))).toBe(
      'cpu 0.5 % · mem 58.5MiB · 2 restarts',
    );
    expect(describeVersionMetrics({cpuPercent: null, memoryBytes: null, restarts: 1, samples: 0})).toBe(
      'cpu n/a · mem n/a · 1 restart',
    );
  });
});

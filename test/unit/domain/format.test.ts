import {describe, expect, it} from 'vitest';
import {formatAge, formatBytes, formatCpus, formatDuration, nsToMs} from '../../../source/domain/format.js';

describe('formatBytes', () => {
  it('writes sizes in binary units the way Docker prints memory limits', () => {
    expect(formatBytes(268_435_456)).toBe('256MiB');
    expect(formatBytes(67_108_864)).toBe('64MiB');
    expect(formatBytes(1_610_612_736)).toBe('1.5GiB');
    expect(formatBytes(2048)).toBe('2KiB');
  });

  it('keeps small and odd sizes readable', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(512)).toBe('512B');
    expect(formatBytes(100_000_000)).toBe('95.37MiB');
  });
});

describe('formatCpus', () => {
  it('shows CPUs as a plain number', () => {
    expect(formatCpus(0.5)).toBe('0.5');
    expect(formatCpus(2)).toBe('2');
    expect(formatCpus(0.125)).toBe('0.125');
  });
});

describe('formatDuration', () => {
  it('writes short durations in milliseconds and seconds', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(5000)).toBe('5s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('writes long durations in Go style units', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(3_605_000)).toBe('1h0m5s');
  });

  it('shows sub-millisecond spec durations in microseconds', () => {
    expect(formatDuration(nsToMs(500_000)!)).toBe('500µs');
  });
});

describe('formatAge', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);

  it('gives the age in its largest whole unit', () => {
    expect(formatAge(now - 12_000, now)).toBe('12s');
    expect(formatAge(now - 5 * 60_000 - 59_000, now)).toBe('5m');
    expect(formatAge(now - 3 * 3_600_000, now)).toBe('3h');
    expect(formatAge(now - 2 * 86_400_000 - 5_000, now)).toBe('2d');
  });

  it('accepts Dates and reads a future time (clock skew) as 0s', () => {
    expect(formatAge(new Date(now - 61_000), new Date(now))).toBe('1m');
    expect(formatAge(now + 5_000, now)).toBe('0s');
  });
});

describe('nsToMs', () => {
  it('converts Swarm nanoseconds to milliseconds and keeps absent values null', () => {
    expect(nsToMs(250_000_000)).toBe(250);
    expect(nsToMs(undefined)).toBeNull();
  });
});

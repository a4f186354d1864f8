// Shared helpers for the stats tests: R fixtures, tolerant comparison that records the worst error,
// request builders, and a seeded PRNG for simulations.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { MetricType, StatsRequest, VariantData, VariantResult, StatsAnswer } from '../../../lib/stats';

const FIXTURES = path.resolve(__dirname, '../../r/fixtures');

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

/** Worst relative error seen in this test file, per label. */
export const worst = new Map<string, number>();

/**
 * Asserts |actual − expected| ≤ rel·max(|expected|, scale) and records the error.
 * `scale` (e.g. the standard error) keeps values that happen to sit near 0 from inflating the relative error.
 */
export function close(label: string, actual: number | null | undefined, expected: number, rel = 1e-6, scale = 0): void {
  expect(actual, label).toBeTypeOf('number');
  const denom = Math.max(Math.abs(expected), scale, Number.MIN_VALUE);
  const err = Math.abs((actual as number) - expected) / denom;
  worst.set(label, Math.max(worst.get(label) ?? 0, err));
  expect(err, `${label}: got ${actual}, R says ${expected}`).toBeLessThanOrEqual(rel);
}

export function reportWorst(file: string): void {
  const rows = [...worst.entries()].map(([k, v]) => `${k}=${v.toExponential(1)}`).join(' ');
  console.log(`[${file}] max relative error vs R: ${rows}`);
}

export function twoArmRequest(control: VariantData, treatment: VariantData, extra: Partial<StatsRequest> = {}, type: MetricType = 'mean'): StatsRequest {
  return {
    // weights follow the sizes, so unequal fixture arms do not trip the SRM warning
    variants: [
      { id: 'control', weight: Math.max(control.n, 1), users: control.n },
      { id: 'treatment', weight: Math.max(treatment.n, 1), users: treatment.n },
    ],
    metrics: [{ key: 'm', type, data: { control, treatment } }],
    ...extra,
  };
}

export function variant(answer: StatsAnswer, id = 'treatment', metric = 0): VariantResult {
  const v = answer.metrics[metric]?.variants.find((x) => x.id === id);
  if (!v) throw new Error(`no variant ${id}`);
  return v;
}

/** Every number in the value is finite (no NaN/Infinity anywhere). */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

/** mulberry32: tiny seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller from a uniform source. */
export function normals(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

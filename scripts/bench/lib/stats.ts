/** Small statistics helpers for the benchmark: medians, percentiles, formatting. */

/** The value at quantile `q` (0..1) of `values`, by the nearest-rank method; NaN when there are none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The median of `values` (the mean of the two middle values for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * Collects latency samples (ms) up to a cap, so a long fast run cannot grow memory without bound.
 * Past the cap it keeps a uniform sample of everything recorded (reservoir sampling).
 */
export class LatencySamples {
  private readonly values: number[] = [];
  private seen = 0;

  constructor(private readonly cap = 200_000) {}

  record(ms: number): void {
    this.seen += 1;
    if (this.values.length < this.cap) {
      this.values.push(ms);
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.cap) this.values[slot] = ms;
  }

  get count(): number {
    return this.seen;
  }

  p(q: number): number {
    return percentile(this.values, q);
  }
}

/** Whole numbers with thousands separators: 12345.6 -> "12,346". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return Math.round(value).toLocaleString("en-US");
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A ratio such as 0.83. */
export function formatRatio(numerator: number, denominator: number): string {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return "n/a";
  return (numerator / denominator).toFixed(2);
}

/** Bytes as MiB with one decimal. */
export function formatMiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return "n/a";
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

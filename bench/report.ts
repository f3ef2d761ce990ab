/** Small helpers so every benchmark prints figures the same way. */

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Prints a section title. */
export function section(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

/** Prints one figure, aligned. */
export function figure(name: string, value: string, note = ''): void {
  process.stdout.write(`  ${name.padEnd(46)} ${value.padStart(14)}${note ? `  ${note}` : ''}\n`);
}

/** Prints a goal and whether this run met it. */
export function goal(text: string, met: boolean): void {
  process.stdout.write(`  goal: ${text}: ${met ? 'MET' : 'NOT MET'}\n`);
}

/** Formats a number with thousands separators. */
export function n(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

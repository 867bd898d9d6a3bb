// Shared helpers for benchmarks: time a function for a while and print ratios against a baseline.

export interface Rate {
  /** operations per second */
  opsPerSec: number
  /** total operations timed */
  ops: number
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns its rate. */
export async function measure(fn: () => unknown, ms = 1000, warmupMs = 200): Promise<Rate> {
  const until = (deadline: number) => performance.now() < deadline
  let deadline = performance.now() + warmupMs
  while (until(deadline)) await fn()
  let ops = 0
  const start = performance.now()
  deadline = start + ms
  while (until(deadline)) {
    await fn()
    ops++
  }
  const seconds = (performance.now() - start) / 1000
  return { opsPerSec: ops / seconds, ops }
}

const fmt = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3).replace(/\.?0+$/, '')

/** Prints "label: ours unit vs baseline unit (baselineName) = R×  [target …]". */
export function report(
  label: string,
  ours: number,
  baseline: number,
  unit: string,
  baselineName: string,
  target?: string,
): number {
  const ratio = ours / baseline
  const verdict = target ? `  [target ${target}]` : ''
  console.log(
    `${label}: ${fmt(ours)} ${unit} vs ${fmt(baseline)} ${unit} (${baselineName}) = ${ratio.toFixed(2)}×${verdict}`,
  )
  return ratio
}

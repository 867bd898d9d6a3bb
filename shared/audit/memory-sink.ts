// An in-memory audit sink: for tests, and for servers that show recent records without a file.
import type { AuditSink } from './log.ts'

export interface MemorySink extends AuditSink {
  /** Everything written so far, in order. */
  text(): string
}

/** A sink that keeps every line in memory (unbounded: meant for tests and short runs). */
export function createMemorySink(): MemorySink {
  const chunks: string[] = []
  return {
    async write(lines) {
      chunks.push(lines)
    },
    text: () => chunks.join(''),
  }
}

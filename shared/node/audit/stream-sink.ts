// Audit sink over a Node writable stream, e.g. process.stderr (stdio MCP servers: stderr only).
import type { Writable } from 'node:stream'
import type { AuditSink } from '../../audit/log.ts'
import { AuditError } from '../../audit/errors.ts'

export interface StreamSinkOptions {
  /**
   * End the stream on `close()`. Default: false (never end `process.stderr`). A stdio MCP server
   * must never give this sink `process.stdout`: stdout carries the JSON-RPC messages.
   */
  end?: boolean
}

/**
 * Writes each batch of lines to `stream` and resolves once the stream has taken it (the write
 * callback), so a slow consumer applies backpressure through the logger's queue. Stream errors
 * reject the pending write (the logger counts them) and never crash the process: the sink keeps
 * an `error` listener on the stream until `close()`.
 */
export function createStreamSink(stream: Writable, options: StreamSinkOptions = {}): AuditSink {
  if (typeof stream?.write !== 'function') {
    throw new AuditError('ERR_AUDIT_INVALID_OPTION', 'stream must be a Node writable stream')
  }
  let closed = false
  let lastError: unknown
  const onError = (error: unknown) => {
    lastError = error
  }
  stream.on('error', onError)

  return {
    write(lines) {
      if (closed)
        return Promise.reject(
          new AuditError('ERR_AUDIT_SINK_CLOSED', 'the audit stream sink is closed'),
        )
      if (stream.destroyed || stream.writableEnded) {
        return Promise.reject(lastError ?? new Error('the audit stream is no longer writable'))
      }
      return new Promise<void>((resolve, reject) => {
        stream.write(lines, (error) => (error ? reject(error) : resolve()))
      })
    },
    async close() {
      if (closed) return
      closed = true
      if (options.end) await new Promise<void>((resolve) => stream.end(resolve))
      stream.off('error', onError)
    },
  }
}

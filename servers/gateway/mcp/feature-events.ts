// Notifications of the upstreams' resources and prompts, fanned out to the front servers: list
// changes to every session, `notifications/resources/updated` to the sessions that subscribed
// (MCP 2025-11-25 server/resources "Subscriptions"), and one upstream subscription per URI
// however many sessions hold it (counted here).
import type { ServerNotification } from '@modelcontextprotocol/sdk/types.js'

/** A notification an upstream sent, with the upstream's name. */
export type FeatureListener = (server: string, notification: ServerNotification) => void

export interface FeatureEvents {
  /** Tells every listener (one per front server). */
  emit(server: string, notification: ServerNotification): void
  /** Adds a listener; returns its removal. */
  listen(listener: FeatureListener): () => void
  /** Counts one more session subscribed to `uri` of `server`; true for the first. */
  hold(server: string, uri: string): boolean
  /** Counts one session less; true when none is left (unsubscribe upstream). */
  release(server: string, uri: string): boolean
}

export function createFeatureEvents(): FeatureEvents {
  const listeners = new Set<FeatureListener>()
  const holders = new Map<string, number>()
  const key = (server: string, uri: string) => `${server}\u0000${uri}`
  return {
    emit(server, notification) {
      for (const listener of [...listeners]) listener(server, notification)
    },
    listen(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    hold(server, uri) {
      const n = holders.get(key(server, uri)) ?? 0
      holders.set(key(server, uri), n + 1)
      return n === 0
    },
    release(server, uri) {
      const n = holders.get(key(server, uri)) ?? 0
      if (n <= 1) holders.delete(key(server, uri))
      else holders.set(key(server, uri), n - 1)
      return n === 1
    },
  }
}

// Loopback hosts: where plain http: is acceptable for secrets and tokens (RFC 8252 §8.3; RFC 6749
// §3.1 and §3.2 require TLS elsewhere), and the host names a local client may use for one server.

/** The loopback host names as `URL.hostname` spells them (IPv6 in brackets). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

const LOOPBACK = new Set(LOOPBACK_HOSTS)

/** True when `hostname` (a `URL.hostname`) is a loopback host. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname)
}

// Test support: free loopback ports for servers that tests, benchmarks and scripts start.
import { createServer } from 'node:net'

/**
 * A port the OS just reported free on 127.0.0.1 (listen on port 0, read it, close). Another
 * process may take it before the caller binds it; the servers started on it fail loudly then.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

// Node entry of the gateway (dist/gateway.mjs): env → configuration → serve on PORT. Children
// (sequential-thinking, Context7, any configured) run as stdio processes; SIGTERM/SIGINT end the
// sessions, stop the children and flush the audit log. Bad configuration: one line per problem.
import { describeStartupError } from './bootstrap.ts'
import { startGateway } from './start.ts'

try {
  await startGateway(process.env, import.meta.url)
} catch (error) {
  process.stderr.write(describeStartupError(error))
  process.exit(1)
}

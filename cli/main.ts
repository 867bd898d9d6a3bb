// mcp-docker CLI entry: wires process stdio and env into runCli (the only runtime-bound CLI file).
import { runCli } from './run.ts'

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    readStdin,
    stdout: (data) => process.stdout.write(data),
    stderr: (text) => process.stderr.write(text),
  })
} catch (error) {
  // Unexpected failures: one line, no stack (set DEBUG=1 for it).
  process.stderr.write(`mcp-docker: ${(error as Error).message ?? String(error)}\n`)
  if (process.env.DEBUG) console.error(error)
  process.exitCode = 70
}

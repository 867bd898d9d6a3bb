// End to end: the bundled third-party servers (dist/sequential-thinking.mjs, dist/context7.mjs)
// run alone from an empty folder: initialize, list, call, exit on stdin close; and the MCP
// Inspector CLI (a third-party client) listing the tools of every stdio bundle of ours.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import {
  bundlePath,
  connectBundle,
  initializeRequest,
  isolatedBundle,
  runInspector,
  spawnRaw,
  within,
} from './helpers.ts'

/** Context7 ships OpenTelemetry; with no collector (and no network here) it is switched off. */
const ENV = { OTEL_SDK_DISABLED: 'true' }
const text = (result: unknown) =>
  ((result as CallToolResult).content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('\n')

test('sequential-thinking from an empty folder: initialize, list, call (works offline)', async () => {
  const session = await connectBundle('sequential-thinking', { isolated: true, env: ENV })
  try {
    const info = session.client.getServerVersion()
    assert.match(info?.name ?? '', /sequential/i)
    const { tools } = await session.client.listTools()
    const tool = tools.find((t) => t.name === 'sequentialthinking')
    assert.ok(tool, 'lists sequentialthinking')
    assert.ok(Object.keys(tool.inputSchema.properties ?? {}).includes('thought'))
    const first = await session.client.callTool({
      name: 'sequentialthinking',
      arguments: {
        thought: 'Split the task',
        thoughtNumber: 1,
        totalThoughts: 2,
        nextThoughtNeeded: true,
      },
    })
    assert.not.ok(first.isError, text(first))
    const second = await session.client.callTool({
      name: 'sequentialthinking',
      arguments: { thought: 'Done', thoughtNumber: 2, totalThoughts: 2, nextThoughtNeeded: false },
    })
    const state = JSON.parse(text(second)) as Record<string, unknown>
    assert.is(state.thoughtNumber, 2)
    assert.is(state.nextThoughtNeeded, false)
    assert.is(state.thoughtHistoryLength, 2)
  } finally {
    await session.close()
  }
})

test('context7 from an empty folder: initialize, list; without network a call fails cleanly, no hang', async () => {
  const session = await connectBundle('context7', { isolated: true, env: ENV })
  try {
    assert.match(session.client.getServerVersion()?.name ?? '', /context7/i)
    const { tools } = await session.client.listTools()
    const names = tools.map((t) => t.name)
    assert.ok(names.includes('resolve-library-id'), names.join(', '))
    const started = performance.now()
    let outcome: string
    try {
      const result = await within(
        session.client.callTool({
          name: 'resolve-library-id',
          arguments: { libraryName: 'react', query: 'hooks' },
        }),
        30_000,
        'resolve-library-id without network',
      )
      outcome = `${result.isError ? 'isError ' : ''}${text(result)}`
    } catch (error) {
      // A JSON-RPC error is a clean failure too; a timeout is not.
      if (/took longer than/.test(String(error))) throw error
      outcome = `jsonrpc error ${String(error)}`
    }
    assert.match(outcome, /error|fail/i, outcome)
    assert.ok(performance.now() - started < 30_000)
  } finally {
    await session.close()
  }
})

for (const name of ['sequential-thinking', 'context7']) {
  test(`${name}: closing stdin ends the process within a second`, async () => {
    const server = spawnRaw(await isolatedBundle(name), [], ENV)
    server.send(initializeRequest())
    const response = (await server.next(20_000)) as unknown as { result?: { serverInfo?: unknown } }
    assert.ok(response.result?.serverInfo, JSON.stringify(response))
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    server.closeStdin()
    const exit = await within(server.exited, 5_000, `${name} exit after stdin closed`)
    assert.is(exit.code, 0, server.stderr())
    assert.ok(exit.ms < 1_000, `exited ${Math.round(exit.ms)} ms after stdin closed`)
    assert.equal(server.junk, [], 'stdout carries JSON-RPC only')
  })
}

/** Tool names the Inspector CLI lists for a stdio server command. */
async function inspectorTools(server: string[]): Promise<string[]> {
  const run = await runInspector(server, ['--method', 'tools/list'], ENV)
  assert.is(run.code, 0, run.stderr)
  return (run.json as { tools: Array<{ name: string }> }).tools.map((t) => t.name).sort()
}

test('third-party client: the MCP Inspector CLI lists the tools of each bundle', async () => {
  assert.ok(
    (await inspectorTools(['node', await bundlePath('sequential-thinking')])).includes(
      'sequentialthinking',
    ),
  )
  assert.ok(
    (await inspectorTools(['node', await bundlePath('context7')])).includes('resolve-library-id'),
  )
  assert.equal(await inspectorTools(['node', await bundlePath('oauth2-tools')]), [
    'create_oauth2_test_token',
    'get_oauth2_flow_guide',
    'get_oauth2_server_status',
    'validate_oauth2_setup',
  ])
  assert.ok(
    (
      await inspectorTools([
        'node',
        await bundlePath('guard'),
        '--',
        process.execPath,
        await bundlePath('sequential-thinking'),
      ])
    ).includes('sequentialthinking'),
  )
})

test('third-party client: the Inspector CLI calls a tool through the guard, the result masked', async () => {
  const run = await runInspector(
    ['node', await bundlePath('guard'), '--', process.execPath, await bundlePath('example')],
    [
      '--method',
      'tools/call',
      '--tool-name',
      'echo',
      '--tool-arg',
      'text=mail kim.chulsoo@example.com',
    ],
  )
  assert.is(run.code, 0, run.stderr)
  assert.equal((run.json as CallToolResult).content, [
    { type: 'text', text: 'mail kim***@example.com' },
  ])
})

test.run()

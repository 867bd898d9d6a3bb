import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { connectInMemory, createTestDeps } from '../../shared/mcp/testing.ts'
import { SECURITY_TOOLS_INFO } from './info.ts'
import { createServer, securityTools, toolsFor } from './server.ts'
import { realDetector } from './testing.ts'

const NAMES = [
  'test_pii_detection',
  'test_encryption',
  'get_security_audit_log',
  'simulate_data_breach_detection',
  'generate_security_report',
]

test('initialize names the server; tools/list gives the five tools with schemas and hints', async () => {
  const { deps } = createTestDeps()
  const detector = realDetector()
  const { client, close } = await connectInMemory(
    createServer({ ...deps, detector: () => detector }),
  )
  try {
    assert.equal(client.getServerVersion(), {
      name: 'security-tools',
      version: SECURITY_TOOLS_INFO.version,
      title: 'Security tools',
    })
    assert.is(client.getInstructions(), SECURITY_TOOLS_INFO.instructions)
    const { tools } = await client.listTools()
    assert.equal(
      tools.map((t) => t.name),
      NAMES,
    )
    for (const tool of tools) {
      assert.is(tool.inputSchema.type, 'object', tool.name)
      assert.is(tool.outputSchema?.type, 'object', tool.name)
      assert.ok(tool.title && tool.description, tool.name)
      assert.equal(
        [
          tool.annotations?.readOnlyHint,
          tool.annotations?.destructiveHint,
          tool.annotations?.openWorldHint,
        ],
        [true, false, false],
        tool.name,
      )
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
    const pii = byName.test_pii_detection!.inputSchema
    assert.equal(pii.required, ['text'])
    assert.equal((pii.properties?.policy as { enum: string[] }).enum, [
      'mask',
      'redact',
      'encrypt',
      'reject',
    ])
    const log = byName.get_security_audit_log!.inputSchema.properties as Record<
      string,
      Record<string, unknown>
    >
    assert.equal([log.limit?.minimum, log.limit?.maximum, log.limit?.default], [1, 500, 50])
    const breach = byName.simulate_data_breach_detection!.inputSchema.properties as Record<
      string,
      Record<string, unknown>
    >
    assert.equal([breach.records?.maxItems, breach.threshold?.default], [10_000, 10])
  } finally {
    await close()
  }
})

test('one deps object, one set of tools: servers per session share them', () => {
  const { deps } = createTestDeps()
  const full = { ...deps, detector: () => realDetector() }
  assert.is(toolsFor(full), toolsFor(full))
  assert.is.not(toolsFor(full), toolsFor({ ...full }))
  assert.is.not(securityTools(full)[0], toolsFor(full)[0], 'securityTools makes new ones')
  assert.is.not(createServer(full), createServer(full), 'a server per connection')
})

test.run()

import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { connectTools } from './testing.ts'

test('tools/list: the four tools with annotations and schemas; initialize names the server', async () => {
  const tools = await connectTools()
  try {
    assert.is(tools.client.getServerVersion()?.name, 'oauth2-tools')
    const { tools: listed } = await tools.client.listTools()
    assert.equal(
      listed.map((t) => t.name),
      [
        'get_oauth2_server_status',
        'create_oauth2_test_token',
        'get_oauth2_flow_guide',
        'validate_oauth2_setup',
      ],
    )
    for (const tool of listed) {
      assert.is(tool.inputSchema.type, 'object', tool.name)
      assert.is(tool.outputSchema?.type, 'object', tool.name)
      assert.type(tool.annotations?.readOnlyHint, 'boolean')
      assert.type(tool.annotations?.openWorldHint, 'boolean')
    }
    const token = listed.find((t) => t.name === 'create_oauth2_test_token')!
    assert.equal(Object.keys(token.inputSchema.properties ?? {}), ['scope', 'resource'])
    assert.is(
      listed.find((t) => t.name === 'get_oauth2_flow_guide')?.annotations?.openWorldHint,
      false,
    )
  } finally {
    await tools.close()
  }
})

test.run()

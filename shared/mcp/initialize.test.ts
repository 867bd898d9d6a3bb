import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js'
import { initializeResult, PROTOCOL_VERSIONS } from './initialize.ts'
import { createToolServer } from './server.ts'
import { connectInMemory, createTestDeps } from './testing.ts'

test('MCP-V2: the protocol versions mirror the SDK (latest first)', () => {
  assert.equal([...PROTOCOL_VERSIONS], SUPPORTED_PROTOCOL_VERSIONS)
  assert.is(PROTOCOL_VERSIONS[0], LATEST_PROTOCOL_VERSION)
})

test('MCP-T6: a supported version is echoed, anything else gets the latest', () => {
  const info = { name: 'x', version: '1' }
  assert.is(initializeResult(info, '2025-06-18').protocolVersion, '2025-06-18')
  assert.is(initializeResult(info, '1999-01-01').protocolVersion, LATEST_PROTOCOL_VERSION)
  assert.is(initializeResult(info, 7).protocolVersion, LATEST_PROTOCOL_VERSION)
})

test('the plain-data result equals what the SDK Server answers', async () => {
  const info = { name: 'same', version: '2.0.0', title: 'Same', instructions: 'Use it.' }
  for (const requested of ['2025-11-25', '2025-06-18']) {
    const { deps } = createTestDeps()
    const server = createToolServer(info, [], deps)
    const { client, close } = await connectInMemory(server)
    const sdk = {
      protocolVersion: requested,
      capabilities: client.getServerCapabilities(),
      serverInfo: client.getServerVersion(),
      instructions: client.getInstructions(),
    }
    await close()
    // The SDK client always asks for the latest version; compare the rest for both.
    const ours = initializeResult(info, requested)
    assert.equal({ ...ours, protocolVersion: requested }, JSON.parse(JSON.stringify(sdk)))
  }
})

test.run()

import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import { connectTools, DEV_CONFIG, type ToolsHarnessOptions } from '../testing.ts'
import { flowGuide, shellQuote } from './flow-guide.ts'

async function guide(options: ToolsHarnessOptions = {}) {
  const tools = await connectTools(options)
  const result = (await tools.client.callTool({
    name: 'get_oauth2_flow_guide',
    arguments: {},
  })) as CallToolResult
  await tools.close()
  return { result, out: result.structuredContent as Record<string, any>, requests: tools.requests }
}

test('steps with curl commands for this deployment; the secret only as $OAUTH2_CLIENT_SECRET', async () => {
  const { result, out, requests } = await guide({
    config: {
      clientId: 'agent-1',
      clientSecret: 'S3cr3t-value-xyz',
      secretSource: { kind: 'env' },
    },
  })
  assert.not.ok(result.isError)
  assert.equal(requests, [], 'the guide makes no request')
  assert.is(out.url, 'http://localhost:8081')
  assert.is(out.client_id, 'agent-1')
  const commands = out.steps.map((s: { command: string }) => s.command).join('\n')
  assert.match(commands, /curl -s http:\/\/localhost:8081\/health/)
  assert.match(
    commands,
    /curl -s http:\/\/localhost:8081\/\.well-known\/oauth-authorization-server/,
  )
  assert.match(
    commands,
    /curl -s -X POST http:\/\/localhost:8081\/oauth2\/token -d grant_type=client_credentials -d scope=mcp.access --data-urlencode client_id=agent-1 --data-urlencode "client_secret=\$OAUTH2_CLIENT_SECRET"/,
  )
  assert.match(commands, /-H "Authorization: Bearer \$TOKEN" http:\/\/localhost:8081\/hello/)
  assert.match(commands, /oauth2\/introspect .*--data-urlencode "token=\$TOKEN"/)
  assert.match(commands, /oauth2\/revoke/)
  assert.not.ok(JSON.stringify(result).includes('S3cr3t-value-xyz'))
  assert.match(
    textOf(result),
    /^OAuth2 client credentials flow for http:\/\/localhost:8081 \(client agent-1\)/,
  )
  assert.match(textOf(result), /\n4\. Get an access token\n/)
})

test('the secret step follows where the secret lives: a file, or the demo client', () => {
  const file = flowGuide({
    ...DEV_CONFIG,
    clientId: 'mcp-gateway',
    clientSecret: 'x',
    secretSource: { kind: 'file', path: '/run/secrets/gateway client' },
  })
  assert.is(file.steps[0]?.command, `OAUTH2_CLIENT_SECRET="$(cat '/run/secrets/gateway client')"`)
  const demo = flowGuide(DEV_CONFIG)
  assert.match(demo.steps[0]?.why ?? '', /mcp-client is the development demo client/)
  assert.match(demo.steps[0]?.command ?? '', /read -rs/)
})

test('public URL in the commands, the internal one noted; no client: placeholders and a note', () => {
  const split = flowGuide({
    ...DEV_CONFIG,
    url: 'http://oauth2:8081',
    issuer: 'http://localhost:8081',
  })
  assert.is(split.url, 'http://localhost:8081')
  assert.is(split.internal_url, 'http://oauth2:8081')
  assert.not.ok(JSON.stringify(split.steps).includes('oauth2:8081'))
  const none = flowGuide({
    ...DEV_CONFIG,
    clientId: undefined,
    clientSecret: undefined,
    secretSource: undefined,
  })
  assert.is(none.client_id, '$OAUTH2_CLIENT_ID')
  assert.match(none.steps[3]?.command ?? '', /--data-urlencode "client_id=\$OAUTH2_CLIENT_ID"/)
  assert.match(none.notes[0] ?? '', /No client is configured/)
})

test('shellQuote: safe words unchanged, everything else single-quoted', () => {
  assert.is(shellQuote('http://localhost:8081/health'), 'http://localhost:8081/health')
  assert.is(shellQuote("a b'c$d"), `'a b'\\''c$d'`)
  assert.is(shellQuote('client_id=$(id)'), `'client_id=$(id)'`)
})

test.run()

import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { textOf } from '../../../shared/mcp/result.ts'
import { connectInMemory, createTestDeps } from '../../../shared/mcp/testing.ts'
import { createServer } from '../server.ts'
import { isIanaTimeZone, timeIn } from './current-time.ts'

const instant = new Date('2025-03-04T05:06:07.089Z')

test('timeIn: local time with its offset, the UTC instant and the canonical zone', () => {
  assert.equal(timeIn('Asia/Seoul', instant), {
    time: '2025-03-04T14:06:07.089+09:00',
    utc: '2025-03-04T05:06:07.089Z',
    offset: '+09:00',
    timezone: 'Asia/Seoul',
  })
  assert.is(timeIn('UTC', instant).time, '2025-03-04T05:06:07.089+00:00')
  assert.is(timeIn('America/St_Johns', instant).offset, '-03:30')
  assert.is(timeIn('asia/seoul', instant).timezone, 'Asia/Seoul')
})

test('timeIn: daylight saving time changes the offset', () => {
  assert.is(timeIn('Europe/Paris', new Date('2025-01-15T12:00:00Z')).offset, '+01:00')
  assert.is(timeIn('Europe/Paris', new Date('2025-07-15T12:00:00Z')).offset, '+02:00')
})

test('isIanaTimeZone accepts zone names only', () => {
  for (const zone of ['UTC', 'Asia/Seoul', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
    assert.ok(isIanaTimeZone(zone), zone)
  for (const zone of ['Mars/Base', '+09:00', '', 'Asia/Seoul; rm -rf', 'x'.repeat(80)])
    assert.not.ok(isIanaTimeZone(zone), zone)
})

async function call(args: Record<string, unknown>) {
  const { deps } = createTestDeps()
  const { client, close } = await connectInMemory(createServer(deps))
  const result = (await client.callTool({
    name: 'current_time',
    arguments: args,
  })) as CallToolResult
  await close()
  return result
}

test('current_time answers in the given zone, UTC by default', async () => {
  const before = Date.now()
  const seoul = await call({ timezone: 'Asia/Seoul' })
  const data = seoul.structuredContent as {
    time: string
    utc: string
    offset: string
    timezone: string
  }
  assert.is(data.offset, '+09:00')
  assert.is(data.timezone, 'Asia/Seoul')
  assert.ok(Math.abs(Date.parse(data.utc) - before) < 5_000)
  assert.is(Date.parse(data.time), Date.parse(data.utc), 'both name the same instant')
  assert.is(textOf(seoul), `${data.time} (Asia/Seoul)`)
  const utc = await call({})
  assert.is((utc.structuredContent as { timezone: string }).timezone, 'UTC')
})

test('an unknown zone is refused, naming the field', async () => {
  const result = await call({ timezone: 'Mars/Olympus_Mons' })
  assert.is(result.isError, true)
  assert.is(
    textOf(result),
    'invalid arguments for current_time: timezone: expected a valid IANA time zone',
  )
})

test.run()

// End to end: a flood of refused token requests over loopback HTTP against dist/oauth2.mjs cannot
// wash a real record out of the audit log (refusals are aggregated, LOG-3), and the chain verifies.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readAuditRecords } from '../../shared/audit/read.ts'
import { verifyAuditFiles } from '../../shared/node/audit/files.ts'
import { FORM, seedToken, startOAuth2 } from './oauth2-harness.ts'

/** Requests in the flood: bounded in count, and in time by the deadline below. */
const FLOOD = 20_000
const CONCURRENCY = 32
const DEADLINE_MS = 60_000

test('20,000 refused token requests (varying client ids, one source) leave the issuance record and a verifying chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth2-flood-'))
  const audit = join(dir, 'audit.jsonl')
  const server = await startOAuth2({
    env: {
      MCP_DOCKER_ENV: 'development',
      MCP_DOCKER_DEV_DIR: join(dir, '.dev'),
      AUDIT_LOG_FILE: audit,
    },
  })
  try {
    const issued = await seedToken(server.url)
    assert.is(issued.status, 200)

    const started = Date.now()
    let sent = 0
    const statuses = new Map<number, number>()
    const worker = async () => {
      while (sent < FLOOD && Date.now() - started < DEADLINE_MS) {
        const n = sent++
        // An attacker varies the client id (and its secret) so no two refusals look alike.
        const response = await fetch(`${server.url}/oauth2/token`, {
          method: 'POST',
          headers: FORM,
          body: `grant_type=client_credentials&client_id=attacker-${n}&client_secret=guess-${n}`,
        })
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const refused = [...statuses].filter(([s]) => s >= 400).reduce((sum, [, n]) => sum + n, 0)
    assert.is(refused, sent, `every flood request refused: ${JSON.stringify([...statuses])}`)
    assert.ok(sent >= 5_000, `the flood sent ${sent} requests within the deadline`)

    assert.is(await server.stop('SIGTERM'), 0, server.stderr())
    const text = readFileSync(audit, 'utf8')
    const records = readAuditRecords(text)
    // The real record is still there, and the refusals are counted, not written one by one.
    assert.ok(records.some((r) => r.event === 'token_issued' && r.client_id === 'mcp-client'))
    const counted = records
      .filter((r) => r.outcome !== 'ok')
      .reduce((sum, r) => sum + (typeof r.count === 'number' ? r.count : 1), 0)
    assert.ok(counted >= sent, `refusals counted ${counted} of ${sent}`)
    assert.ok(records.length < 500, `${records.length} records for ${sent} refusals`)
    console.log(
      `  flood: ${sent} refused token requests in ${seconds} s → ${records.length} audit records`,
    )
    const verified = await verifyAuditFiles([audit])
    assert.ok(verified.ok, JSON.stringify(verified))
  } finally {
    await server.stop('SIGKILL').catch(() => undefined)
  }
})

test.run()

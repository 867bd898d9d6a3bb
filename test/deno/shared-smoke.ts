// Runs under Deno (not Node): the shared library's Web-standard core from its TypeScript sources.
// Prints one JSON line of results; test/deno/deno.test.ts checks it.
import { FernetKeyRing, generateFernetKey } from '../../shared/crypto/index.ts'
import { createAccessTokenIssuer } from '../../shared/jwt/issue.ts'
import { generateEs256Key, hs256Key } from '../../shared/jwt/keys.ts'
import { createAccessTokenVerifier } from '../../shared/jwt/verify.ts'
import { createDetector } from '../../shared/pii/detect.ts'
import { createPolicyEngine } from '../../shared/pii/index.ts'
import { createAuditLog, createMemorySink, verifyAuditChain } from '../../shared/audit/index.ts'

declare const Deno: { version: { deno: string } }

const ring = await FernetKeyRing.create(generateFernetKey())
const fernet = await ring.decryptText(await ring.encrypt('안녕 Deno'), { ttlSeconds: 60 })

const detector = createDetector()
const text = '김철수님 010-1234-5678 kim@example.com'
const pii = detector.detect(text).map((f) => f.type)
const masked = (await createPolicyEngine({ default: 'mask' }, { detector }).applyToText(text)).value

async function jwtRoundTrip(key: Awaited<ReturnType<typeof generateEs256Key>>['key']) {
  const issuer = 'http://localhost:8081'
  const audience = 'http://localhost:8080/mcp'
  const { token } = await createAccessTokenIssuer({ issuer, key }).issue({
    clientId: 'deno-client',
    audience,
    scope: 'mcp.access',
  })
  const claims = await createAccessTokenVerifier({ issuer, audience, key }).verify(token)
  return claims.client_id
}
const hs256 = await jwtRoundTrip(hs256Key('a-development-secret-of-32-bytes!!'))
const es256 = await jwtRoundTrip((await generateEs256Key()).key)

const sink = createMemorySink()
const log = createAuditLog({ sinks: [sink] })
await log.record({ event: 'tool_call', outcome: 'ok', tool: 'echo' })
await log.record({ event: 'tool_call', outcome: 'ok', tool: 'add' })
await log.flush()
const chain = await verifyAuditChain(sink.text())

console.log(
  JSON.stringify({
    runtime: `deno ${Deno.version.deno}`,
    fernet,
    pii,
    masked,
    hs256,
    es256,
    chainOk: chain.ok,
  }),
)

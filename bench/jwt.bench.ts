// Access token throughput: our jose-based verifier and issuer against the limit, a hand-written
// node:crypto HMAC check/sign of the same tokens. The gap is what a later token cache must win back.
// Run: npm run bench -- jwt
import {
  createHmac,
  createPublicKey,
  createVerify,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import { jwtVerify } from 'jose'
import { createAccessTokenIssuer } from '../shared/jwt/issue.ts'
import { generateEs256Key, hs256Key, jwksOf } from '../shared/jwt/keys.ts'
import { createAccessTokenVerifier } from '../shared/jwt/verify.ts'
import { measure, report } from './report.ts'

/**
 * The machine is shared: measure the candidates in alternation, several short rounds each, and keep
 * each one's median rate so a burst of outside load hits all of them alike.
 */
async function rates(fns: Array<() => unknown>, rounds = 7, ms = 250): Promise<number[]> {
  const samples: number[][] = fns.map(() => [])
  for (let r = 0; r < rounds; r++)
    for (const [i, fn] of fns.entries()) samples[i]!.push((await measure(fn, ms, 50)).opsPerSec)
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]!)
}

const SECRET = 'bench-secret-0123456789abcdefghijklmnopq'
const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://gateway.example.test/mcp'
const input = { clientId: 'client-a', audience: AUDIENCE, scope: ['tools:call', 'tools:list'] }

const key = hs256Key(SECRET)
const issuer = createAccessTokenIssuer({ issuer: ISSUER, key })
const verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, key })
const { token } = await issuer.issue(input)

/** The limit for HS256 verification: split, HMAC, constant-time compare, parse, iss/aud/exp/typ. */
function rawVerify(jwt: string): Record<string, unknown> {
  const [h, p, s] = jwt.split('.')
  if (h === undefined || p === undefined || s === undefined) throw new Error('malformed')
  const mac = createHmac('sha256', SECRET).update(`${h}.${p}`).digest()
  const sig = Buffer.from(s, 'base64url')
  if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) throw new Error('signature')
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
  if (header.alg !== 'HS256' || header.typ !== 'at+jwt') throw new Error('header')
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  if (claims.iss !== ISSUER || claims.aud !== AUDIENCE) throw new Error('claims')
  if (!(claims.exp > Date.now() / 1000 - 30)) throw new Error('expired')
  return claims
}

/** The limit for HS256 issuance: JSON, base64url, HMAC, with a 128-bit random jti. */
function rawIssue(): string {
  const iat = Math.floor(Date.now() / 1000)
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')
  const claims = {
    iss: ISSUER,
    sub: input.clientId,
    aud: AUDIENCE,
    exp: iat + 1800,
    iat,
    jti: randomBytes(16).toString('base64url'),
    client_id: input.clientId,
    scope: input.scope.join(' '),
  }
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
  const sig = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${sig}`
}

// Sanity: both paths agree on the same token before anything is timed.
if (JSON.stringify(rawVerify(token)) !== JSON.stringify(await verifier.verify(token)))
  throw new Error('raw and jose verification disagree')
await verifier.verify(rawIssue())

const hmacKey = await crypto.subtle.importKey(
  'raw',
  key.alg === 'HS256' ? key.secret : new Uint8Array(),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
)
const [sh, sp, ss] = token.split('.') as [string, string, string]
const signingInput = new TextEncoder().encode(`${sh}.${sp}`)
const signature = Buffer.from(ss, 'base64url')

console.log('HS256 verify (one configured secret, every RFC 9068 §4 check on our side)')
const [ours, raw, joseOnly, subtleOnly] = await rates([
  () => verifier.verify(token),
  () => rawVerify(token),
  () => jwtVerify(token, hmacKey, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }),
  // The ceiling of any Web-standard verifier on this runtime: one async crypto.subtle HMAC verify.
  () => crypto.subtle.verify('HMAC', hmacKey, signature, signingInput),
])
report('verify (ours)', ours!, raw!, 'verify/s', 'raw node:crypto HMAC check')
report('verify (ours)', ours!, joseOnly!, 'verify/s', 'bare jose jwtVerify, iss+aud only')
report('crypto.subtle.verify alone', subtleOnly!, raw!, 'verify/s', 'raw node:crypto HMAC check')

console.log('HS256 issue')
const [issued, rawIssued] = await rates([() => issuer.issue(input), rawIssue])
report('issue (ours)', issued!, rawIssued!, 'issue/s', 'raw node:crypto HMAC sign')

console.log('ES256 verify (local JWKS)')
const es = await generateEs256Key()
const esToken = (await createAccessTokenIssuer({ issuer: ISSUER, key: es.key }).issue(input)).token
const esVerifier = createAccessTokenVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  key: { jwks: jwksOf(es.key) },
})
const publicKey = createPublicKey({ key: jwksOf(es.key).keys[0] as never, format: 'jwk' })
const [eh, ep, esig] = esToken.split('.') as [string, string, string]
const rawEs = () => {
  const ok = createVerify('SHA256')
    .update(`${eh}.${ep}`)
    .verify({ key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(esig, 'base64url'))
  if (!ok) throw new Error('signature')
  return JSON.parse(Buffer.from(ep, 'base64url').toString('utf8'))
}
rawEs()
const [esOurs, esRaw] = await rates([() => esVerifier.verify(esToken), rawEs])
report('verify ES256 (ours)', esOurs!, esRaw!, 'verify/s', 'raw node:crypto ECDSA check')
report('verify ES256 (ours)', esOurs!, ours!, 'verify/s', 'our HS256 verify')

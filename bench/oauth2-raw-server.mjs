// The speed limit for bench/oauth2.bench.ts: a bare node:http server that issues and verifies the
// same RFC 9068-shaped HS256 JWTs with node:crypto (client_secret_basic + SHA-256 secret check on
// POST /oauth2/token, HMAC verification of every token on GET /hello). No framework, no cache.
// Usage: node bench/oauth2-raw-server.mjs '{"port", "secret", "issuer", "audience", "clientId", "clientSecret"}'
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'

const cfg = JSON.parse(process.argv[2])
const key = Buffer.from(cfg.secret, 'utf8')
const secretDigest = createHash('sha256').update(cfg.clientSecret).digest()
const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')
const noStore = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
}

function sign(claims) {
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

function verify(token) {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const head = JSON.parse(Buffer.from(parts[0], 'base64url').toString())
  if (head.alg !== 'HS256' || head.typ !== 'at+jwt') return undefined
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString())
  const now = Math.floor(Date.now() / 1000)
  if (claims.iss !== cfg.issuer || claims.aud !== cfg.audience || !(claims.exp > now))
    return undefined
  return claims
}

function send(res, status, body, headers = noStore) {
  res.writeHead(status, headers)
  res.end(JSON.stringify(body))
}

function token(req, res, text) {
  const form = new URLSearchParams(text)
  if (form.get('grant_type') !== 'client_credentials')
    return send(res, 400, { error: 'unsupported_grant_type' })
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '')
  const decoded = match ? Buffer.from(match[1], 'base64').toString() : ''
  const colon = decoded.indexOf(':')
  const id = decodeURIComponent(decoded.slice(0, colon))
  const secret = decodeURIComponent(decoded.slice(colon + 1))
  const digest = createHash('sha256').update(secret).digest()
  if (colon < 0 || id !== cfg.clientId || !timingSafeEqual(digest, secretDigest)) {
    return send(res, 401, { error: 'invalid_client' })
  }
  const scope = form.get('scope') ?? 'mcp.access'
  if (scope !== 'mcp.access') return send(res, 400, { error: 'invalid_scope' })
  const iat = Math.floor(Date.now() / 1000)
  const claims = {
    iss: cfg.issuer,
    sub: id,
    aud: cfg.audience,
    exp: iat + 1800,
    iat,
    jti: randomBytes(16).toString('base64url'),
    client_id: id,
    scope,
  }
  send(res, 200, { access_token: sign(claims), token_type: 'Bearer', expires_in: 1800, scope })
}

function hello(req, res) {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '')
  const claims = match ? verify(match[1]) : undefined
  if (!claims) return send(res, 401, { error: 'invalid_token' })
  if (!String(claims.scope).split(' ').includes('mcp.access'))
    return send(res, 403, { error: 'insufficient_scope' })
  send(
    res,
    200,
    {
      message: 'Hello from MCP OAuth2 Demo!',
      authenticated_client: claims.client_id,
      timestamp: new Date().toISOString(),
    },
    { 'Content-Type': 'application/json' },
  )
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/hello') return hello(req, res)
  if (req.method === 'POST' && req.url === '/oauth2/token') {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => token(req, res, Buffer.concat(chunks).toString('utf8')))
    return
  }
  send(res, 404, { error: 'not_found' })
})
server.listen(cfg.port, '127.0.0.1', () => process.stderr.write(`raw listening on ${cfg.port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))

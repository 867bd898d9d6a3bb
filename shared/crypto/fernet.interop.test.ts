// FN-12 interop: Debian's /usr/bin/python3 with python3-cryptography (an independent Fernet)
// decrypts our tokens, we decrypt its tokens, and both build identical tokens from the same parts.
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FernetInvalidTokenError } from './errors.ts'
import { FernetKeyRing } from './fernet.ts'
import { generateFernetKey } from './keys.ts'

/** Debian's interpreter, not the one first on PATH (FN-12). */
const PYTHON = '/usr/bin/python3'

// Reads one JSON request on stdin, answers one JSON object on stdout. Binary data is base64.
const SCRIPT = String.raw`
import base64, json, sys
try:
    import cryptography
    from cryptography.fernet import Fernet, InvalidToken, MultiFernet
except ImportError:
    print("NO_CRYPTOGRAPHY")
    sys.exit(3)

req = json.load(sys.stdin)
b64 = lambda data: base64.b64encode(data).decode()
raw = lambda text: base64.b64decode(text)
out = {"version": cryptography.__version__}
fernet = Fernet(req["key"])

def attempt(fn):
    try:
        return {"ok": b64(fn())}
    except InvalidToken:
        return {"error": "InvalidToken"}

out["decrypted"] = [attempt(lambda t=t: fernet.decrypt_at_time(t.encode(), req["ttl"], req["now"]))
                    for t in req["ours"]]
out["timestamps"] = [fernet.extract_timestamp(t.encode()) for t in req["ours"]]
out["tampered"] = attempt(lambda: fernet.decrypt(req["tampered"].encode()))
out["theirs"] = [fernet.encrypt(raw(p)).decode() for p in req["payloads"]]
out["fromParts"] = [fernet._encrypt_from_parts(raw(p), req["now"], raw(req["iv"])).decode()
                    for p in req["payloads"]]
rotated = MultiFernet([Fernet(req["newKey"]), fernet]).rotate(req["ours"][0].encode())
out["rotated"] = rotated.decode()
print(json.dumps(out))
`

interface PythonAnswer {
  version: string
  decrypted: Array<{ ok?: string; error?: string }>
  timestamps: number[]
  tampered: { ok?: string; error?: string }
  theirs: string[]
  fromParts: string[]
  rotated: string
}

function runPython(request: unknown): PythonAnswer {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  })
  if (run.error) {
    throw new Error(
      `FN-12 interop needs ${PYTHON} with python3-cryptography: ${run.error.message}. ` +
        'Install them with: apt-get install python3-cryptography',
    )
  }
  if (run.status === 3 && run.stdout.includes('NO_CRYPTOGRAPHY')) {
    throw new Error(
      `${PYTHON} cannot import cryptography. Install it with: apt-get install python3-cryptography`,
    )
  }
  assert.is(run.status, 0, `python failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as PythonAnswer
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'))

test('FN-12: python3-cryptography and FernetKeyRing read each other’s tokens', async () => {
  const key = generateFernetKey()
  const newKey = generateFernetKey()
  const ring = await FernetKeyRing.create(key)
  const now = Math.floor(Date.now() / 1000)
  const iv = crypto.getRandomValues(new Uint8Array(16))
  const large = crypto.getRandomValues(new Uint8Array(65536))
  const payloads = [
    new Uint8Array(0),
    new Uint8Array([0]),
    ...[15, 16, 17, 31, 32, 33].map((n) => crypto.getRandomValues(new Uint8Array(n))),
    new TextEncoder().encode('홍길동 🔐 Fernet interop'),
    large,
  ]
  const ours = await Promise.all(payloads.map((p) => ring.encrypt(p, { now })))
  const tampered = Buffer.from(ours[2]!, 'base64url')
  tampered[30]! ^= 0x01
  const answer = runPython({
    key,
    newKey,
    now,
    ttl: 60,
    iv: base64(iv),
    ours,
    tampered: tampered.toString('base64url'),
    payloads: payloads.map(base64),
  })
  assert.match(answer.version, /^\d+\./)

  // Python decrypts ours (with a TTL check at the same time) and reads our timestamps.
  answer.decrypted.forEach((result, i) => {
    assert.ok(result.ok !== undefined, `python rejected our token ${i}: ${result.error}`)
    assert.equal(fromBase64(result.ok!), payloads[i], `payload ${i}`)
  })
  assert.equal(
    answer.timestamps,
    ours.map(() => now),
  )
  assert.equal(answer.tampered, { error: 'InvalidToken' }, 'python rejects a tampered token')

  // We decrypt Python's tokens, and reject them when tampered.
  for (const [i, token] of answer.theirs.entries()) {
    assert.equal(await ring.decrypt(token, { ttlSeconds: 60 }), payloads[i], `their token ${i}`)
    const edited = Buffer.from(token, 'base64url')
    edited[edited.length - 40]! ^= 0x80
    await ring.decrypt(edited.toString('base64url')).then(
      () => assert.unreachable(`accepted tampered python token ${i}`),
      (error: unknown) => assert.instance(error, FernetInvalidTokenError),
    )
  }

  // Same key, time, IV and payload: byte-identical tokens (padded base64url, FN-5).
  for (const [i, token] of answer.fromParts.entries()) {
    assert.is(await ring.encrypt(payloads[i]!, { now, iv }), token, `payload ${i}`)
  }

  // MultiFernet.rotate gives a token of the new key with the old timestamp, as our rotate does.
  const newOnly = await FernetKeyRing.create(newKey)
  assert.equal(await newOnly.decrypt(answer.rotated), payloads[0])
  assert.is(await newOnly.extractTimestamp(answer.rotated), now)
})

test.run()

// Fernet round trips per second: FernetKeyRing (Web Crypto) against the same format written
// with node:crypto (createCipheriv, createHmac, timingSafeEqual), the speed limit on Node.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import { decodeBase64Url, encodeBase64Url } from '../shared/crypto/base64url.ts'
import { FernetKeyRing, generateFernetKey } from '../shared/crypto/index.ts'
import { measure, report } from './report.ts'

/** Fernet (fernet/spec, version 0x80) on node:crypto and Buffer. */
class NodeFernet {
  readonly #signing: Buffer
  readonly #encryption: Buffer

  constructor(key: string) {
    const bytes = Buffer.from(key, 'base64url')
    if (bytes.length !== 32) throw new Error('bad key')
    this.#signing = bytes.subarray(0, 16)
    this.#encryption = bytes.subarray(16)
  }

  encrypt(data: Uint8Array): string {
    const header = Buffer.alloc(25)
    header[0] = 0x80
    header.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)), 1)
    const iv = randomBytes(16)
    iv.copy(header, 9)
    const cipher = createCipheriv('aes-128-cbc', this.#encryption, iv)
    const signed = Buffer.concat([header, cipher.update(data), cipher.final()])
    const mac = createHmac('sha256', this.#signing).update(signed).digest()
    const token = Buffer.concat([signed, mac]).toString('base64url')
    return token + '='.repeat((4 - (token.length % 4)) % 4)
  }

  decrypt(token: string): Uint8Array {
    const bytes = Buffer.from(token, 'base64url')
    if (bytes.length < 73 || (bytes.length - 57) % 16 !== 0 || bytes[0] !== 0x80) {
      throw new Error('invalid token')
    }
    const end = bytes.length - 32
    const mac = createHmac('sha256', this.#signing).update(bytes.subarray(0, end)).digest()
    if (!timingSafeEqual(mac, bytes.subarray(end))) throw new Error('invalid token')
    const decipher = createDecipheriv('aes-128-cbc', this.#encryption, bytes.subarray(9, 25))
    return Buffer.concat([decipher.update(bytes.subarray(25, end)), decipher.final()])
  }
}

const key = generateFernetKey()
const ring = await FernetKeyRing.create(key)
const node = new NodeFernet(key)

// The guard encrypts values of 16 B to 4 KiB; 1 MiB is the bulk case.
const sizes: Array<[string, number, string | undefined]> = [
  ['16 B', 16, undefined],
  ['256 B', 256, undefined],
  ['1 KiB', 1024, undefined],
  ['4 KiB', 4096, undefined],
  ['1 MiB', 1 << 20, '≥ 0.8× at 1 MiB'],
]

// Both implementations must read each other's tokens before anything is timed.
for (const [label, size] of sizes) {
  const payload = new Uint8Array(randomBytes(size))
  const same = (a: Uint8Array) => Buffer.compare(a, payload) === 0
  if (
    !same(node.decrypt(await ring.encrypt(payload))) ||
    !same(await ring.decrypt(node.encrypt(payload)))
  ) {
    throw new Error(`the two implementations disagree at ${label}`)
  }
}
console.log('interop: FernetKeyRing and node:crypto read each other’s tokens at 1 KiB and 1 MiB')
const native = typeof (Uint8Array as { fromBase64?: unknown }).fromBase64 === 'function'
console.log(`base64url codec: ${native ? 'native Uint8Array.fromBase64/toBase64' : 'portable JS'}`)

/** Best of `rounds` alternating runs, so both sides see the same machine load. */
async function compare(
  ours: () => unknown,
  theirs: () => unknown,
  ms: number,
  rounds = 3,
): Promise<[number, number]> {
  let best: [number, number] = [0, 0]
  for (let round = 0; round < rounds; round++) {
    const a = (await measure(ours, ms)).opsPerSec
    const b = (await measure(theirs, ms)).opsPerSec
    best = [Math.max(best[0], a), Math.max(best[1], b)]
  }
  return best
}

for (const [label, size, target] of sizes) {
  const payload = new Uint8Array(randomBytes(size))
  const ms = size > 65536 ? 1500 : 500
  const ourToken = await ring.encrypt(payload)
  const nodeToken = node.encrypt(payload)

  const [rt, nodeRt] = await compare(
    async () => ring.decrypt(await ring.encrypt(payload)),
    () => node.decrypt(node.encrypt(payload)),
    ms,
  )
  report(`round trip ${label}`, rt, nodeRt, 'ops/s', 'node:crypto', target)

  const [enc, nodeEnc] = await compare(
    () => ring.encrypt(payload),
    () => node.encrypt(payload),
    ms,
    2,
  )
  report(`  encrypt ${label}`, enc, nodeEnc, 'ops/s', 'node:crypto')
  const [dec, nodeDec] = await compare(
    () => ring.decrypt(ourToken),
    () => node.decrypt(nodeToken),
    ms,
    2,
  )
  report(`  decrypt ${label}`, dec, nodeDec, 'ops/s', 'node:crypto')

  // The codec alone (a token's worth of bytes) against Buffer's base64url, the speed limit.
  const raw = new Uint8Array(randomBytes(ourToken.length * 0.75))
  const text = encodeBase64Url(raw)
  const [b64enc, bufEnc] = await compare(
    () => encodeBase64Url(raw),
    () => Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64url'),
    ms / 2,
    2,
  )
  report(`  base64url encode ${label}`, b64enc, bufEnc, 'ops/s', 'Buffer')
  const [b64dec, bufDec] = await compare(
    () => decodeBase64Url(text),
    () => Buffer.from(text, 'base64url'),
    ms / 2,
    2,
  )
  report(`  base64url decode ${label}`, b64dec, bufDec, 'ops/s', 'Buffer')
}

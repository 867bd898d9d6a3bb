// Fernet tokens (fernet/spec Spec.md, version 0x80) on Web Crypto: a key ring that encrypts
// with its first key and decrypts with any of them, like python-cryptography's MultiFernet.
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { FernetInvalidTokenError, FernetKeyError } from './errors.ts'
import { decodeFernetKey } from './keys.ts'

/** Version byte of the only Fernet format there is (FN-2). */
const VERSION = 0x80
/** AES block size; also the IV size. */
const BLOCK = 16
/** Version (1) ‖ timestamp (8) ‖ IV (16) (FN-2). */
const HEADER = 1 + 8 + BLOCK
/** HMAC-SHA256 output size. */
const MAC = 32
/** Shortest token: header, one ciphertext block, MAC = 73 bytes (FN-2). */
const MIN_TOKEN = HEADER + BLOCK + MAC

/** How far in the future a token's timestamp may be when a TTL is checked (FN-9, FN-10). */
export const MAX_CLOCK_SKEW_SECONDS = 60

export interface EncryptOptions {
  /** Token timestamp in seconds since the epoch (fractions are dropped). Default: now. */
  now?: number
  /** The 16-byte IV. Default: 16 random bytes (FN-3). Fixed IVs are for test vectors only. */
  iv?: Uint8Array
}

export interface DecryptOptions {
  /**
   * Maximum token age in seconds. When set, a token older than this, or more than
   * `MAX_CLOCK_SKEW_SECONDS` in the future, is rejected (FN-10). Default: no time checks.
   */
  ttlSeconds?: number
  /** Current time in seconds since the epoch (fractions are dropped). Default: now. */
  now?: number
}

/** Web Crypto's key object (named through `crypto` so no DOM or node typings are needed). */
type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

/** The two halves of one Fernet key, imported once (FN-1, FN-8). */
interface KeyPair {
  signing: CryptoKey
  encryption: CryptoKey
}

/** A token's parts, as views into its decoded bytes. */
interface TokenParts {
  /** The 64-bit timestamp field (FN-7). */
  stamp: bigint
  /** The same as a number (exact up to 2^53, far beyond any real time). */
  timestamp: number
  signed: Uint8Array
  iv: Uint8Array
  ciphertext: Uint8Array
  mac: Uint8Array
}

const utf8Encoder = new TextEncoder()
/** Fatal: invalid UTF-8 rejects the token; ignoreBOM: a leading U+FEFF is data, not a mark. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Seconds since the epoch as a whole number, checked to fit the 64-bit field (FN-7). */
function wholeSeconds(seconds: number | undefined, name: string): number {
  if (seconds === undefined) return Math.floor(Date.now() / 1000)
  const whole = Math.floor(seconds)
  if (!Number.isSafeInteger(whole) || whole < 0) {
    throw new RangeError(`${name} must be seconds since the epoch, a finite number ≥ 0`)
  }
  return whole
}

/** Random bytes for 256 IVs per getRandomValues call, whose cost is mostly per call. */
const ivPool = new Uint8Array(256 * BLOCK)
let ivPoolUsed = ivPool.length

/** Fills `iv` with fresh random bytes (FN-3); each pooled byte is handed out once, then wiped. */
function randomIv(iv: Uint8Array): void {
  if (ivPoolUsed === ivPool.length) {
    crypto.getRandomValues(ivPool)
    ivPoolUsed = 0
  }
  const next = ivPool.subarray(ivPoolUsed, (ivPoolUsed += BLOCK))
  iv.set(next)
  next.fill(0)
}

async function importKey(key: string, position?: string): Promise<KeyPair> {
  const bytes = decodeFernetKey(key, position)
  try {
    // FN-1: signing key first, encryption key second. FN-8: the Web Crypto algorithms.
    const [signing, encryption] = await Promise.all([
      crypto.subtle.importKey(
        'raw',
        bytes.subarray(0, 16),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      ),
      crypto.subtle.importKey('raw', bytes.subarray(16, 32), { name: 'AES-CBC' }, false, [
        'encrypt',
        'decrypt',
      ]),
    ])
    return { signing, encryption }
  } finally {
    bytes.fill(0)
  }
}

/**
 * Decoded token split into its fields, or `undefined` for anything that is not shaped like a
 * Fernet token: strict base64url (FN-6), at least 73 bytes with whole ciphertext blocks and
 * version 0x80 (FN-2, FN-4).
 */
function parseToken(token: string): TokenParts | undefined {
  if (typeof token !== 'string') return undefined
  const bytes = decodeBase64Url(token)
  if (bytes === undefined || bytes.length < MIN_TOKEN || (bytes.length - HEADER - MAC) % BLOCK) {
    return undefined
  }
  if (bytes[0] !== VERSION) return undefined
  const end = bytes.length - MAC
  // FN-7: the timestamp is an unsigned 64-bit big-endian integer. Above 2^53 it loses
  // precision as a number, but such a time is far in the future of any `now` we compare with.
  const stamp = new DataView(bytes.buffer, bytes.byteOffset, 9).getBigUint64(1)
  return {
    stamp,
    timestamp: Number(stamp),
    signed: bytes.subarray(0, end),
    iv: bytes.subarray(9, HEADER),
    ciphertext: bytes.subarray(HEADER, end),
    mac: bytes.subarray(end),
  }
}

/** The TTL check a decryption asks for: `undefined` means no time checks (FN-10). */
interface TimeWindow {
  ttlSeconds: number
  now: number
}

function timeWindow(options: DecryptOptions): TimeWindow | undefined {
  const { ttlSeconds } = options
  if (ttlSeconds === undefined) return undefined
  if (typeof ttlSeconds !== 'number' || !(ttlSeconds >= 0)) {
    throw new RangeError('ttlSeconds must be a number ≥ 0')
  }
  return { ttlSeconds, now: wholeSeconds(options.now, 'now') }
}

/** FN-10 (as python-cryptography): too old, or more than 60 s in the future, is invalid. */
function timely(timestamp: number, window: TimeWindow | undefined): boolean {
  if (window === undefined) return true
  const { ttlSeconds, now } = window
  return !(timestamp + ttlSeconds < now) && !(now + MAX_CLOCK_SKEW_SECONDS < timestamp)
}

/**
 * Fernet keys ready for use. The first key encrypts; decryption tries every key in order, so a
 * ring `[new, old]` reads tokens of both while writing only with the new one (key rotation).
 * Each key is imported into Web Crypto once, when the ring is created.
 */
export class FernetKeyRing {
  readonly #keys: readonly KeyPair[]

  private constructor(keys: readonly KeyPair[]) {
    this.#keys = keys
  }

  /**
   * A ring from one key or a list of keys (base64url of 32 bytes each, padded or not; see
   * `parseFernetKeys` for configuration text). Throws `FernetKeyError` for an empty list or a
   * bad key, naming its position but never its value.
   */
  static async create(keys: string | readonly string[]): Promise<FernetKeyRing> {
    const list = typeof keys === 'string' ? [keys] : keys
    if (!Array.isArray(list) || list.length === 0) {
      throw new FernetKeyError('A Fernet key ring needs at least one key')
    }
    const pairs = await Promise.all(
      list.map((key: string, index: number) =>
        importKey(key, list.length > 1 ? `${index + 1} of ${list.length}` : undefined),
      ),
    )
    return new FernetKeyRing(pairs)
  }

  /** Number of keys in the ring. */
  get size(): number {
    return this.#keys.length
  }

  /**
   * A token for `data` (bytes, or text taken as UTF-8) under the first key (FN-3), as padded
   * base64url (FN-5).
   */
  async encrypt(data: Uint8Array | string, options: EncryptOptions = {}): Promise<string> {
    const plaintext = typeof data === 'string' ? utf8Encoder.encode(data) : data
    if (!(plaintext instanceof Uint8Array)) {
      throw new TypeError('Fernet encrypt takes a Uint8Array or a string')
    }
    const { iv } = options
    if (iv !== undefined && !(iv instanceof Uint8Array && iv.length === BLOCK)) {
      throw new RangeError('iv must be a Uint8Array of 16 bytes')
    }
    return this.#seal(plaintext, BigInt(wholeSeconds(options.now, 'now')), iv)
  }

  /**
   * The bytes inside `token`. Checks in the order of FN-4/FN-10: encoding and shape, version,
   * age (only with `ttlSeconds`), then the HMAC in constant time, and only then decrypts.
   * Throws `FernetInvalidTokenError` whatever failed.
   */
  async decrypt(token: string, options: DecryptOptions = {}): Promise<Uint8Array> {
    return (await this.#open(token, options)).plaintext
  }

  /** The text inside `token`; a payload that is not valid UTF-8 makes the token invalid. */
  async decryptText(token: string, options: DecryptOptions = {}): Promise<string> {
    const { plaintext } = await this.#open(token, options)
    try {
      return utf8Decoder.decode(plaintext)
    } catch {
      throw new FernetInvalidTokenError()
    }
  }

  /**
   * The timestamp (seconds since the epoch) of a token whose HMAC verifies under one of the
   * keys, like Python's `extract_timestamp`: no decryption and no TTL check.
   */
  async extractTimestamp(token: string): Promise<number> {
    const parts = parseToken(token)
    if (parts !== undefined) {
      for (const key of this.#keys) {
        if (await crypto.subtle.verify('HMAC', key.signing, parts.mac, parts.signed)) {
          return parts.timestamp
        }
      }
    }
    throw new FernetInvalidTokenError()
  }

  /**
   * `token` re-encrypted under the first key with its original timestamp, like Python's
   * `MultiFernet.rotate`: after adding a new key in front, rotate stored tokens, then drop the
   * old key. No TTL check.
   */
  async rotate(token: string): Promise<string> {
    const { plaintext, stamp } = await this.#open(token, {})
    return this.#seal(plaintext, stamp)
  }

  /** FN-3: the token of `plaintext` at time `stamp` under the first key. */
  async #seal(plaintext: Uint8Array, stamp: bigint, fixedIv?: Uint8Array): Promise<string> {
    const key = this.#keys[0]!
    // PKCS#7 always pads, by 1 to 16 bytes, so the token's size is known before encrypting:
    // the token is built in one buffer with no concatenation.
    const ciphertextLength = plaintext.length - (plaintext.length % BLOCK) + BLOCK
    const signedLength = HEADER + ciphertextLength
    const token = new Uint8Array(signedLength + MAC)
    token[0] = VERSION
    new DataView(token.buffer, 0, 9).setBigUint64(1, stamp) // FN-7
    const iv = token.subarray(9, HEADER)
    if (fixedIv === undefined) randomIv(iv)
    else iv.set(fixedIv)

    // FN-8: Web Crypto's AES-CBC adds the PKCS#7 padding itself.
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-CBC', iv },
      key.encryption,
      plaintext,
    )
    token.set(new Uint8Array(ciphertext), HEADER)
    // FN-3: HMAC over version ‖ timestamp ‖ IV ‖ ciphertext.
    const signed = token.subarray(0, signedLength)
    token.set(new Uint8Array(await crypto.subtle.sign('HMAC', key.signing, signed)), signedLength)
    return encodeBase64Url(token)
  }

  /** FN-4: the plaintext and timestamp field of a token that passes every check, in order. */
  async #open(
    token: string,
    options: DecryptOptions,
  ): Promise<{ plaintext: Uint8Array; stamp: bigint }> {
    const window = timeWindow(options)
    const parts = parseToken(token)
    if (parts === undefined || !timely(parts.timestamp, window)) throw new FernetInvalidTokenError()
    for (const key of this.#keys) {
      // FN-4: constant-time MAC check (Web Crypto's verify) strictly before decrypting.
      if (!(await crypto.subtle.verify('HMAC', key.signing, parts.mac, parts.signed))) continue
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-CBC', iv: parts.iv },
          key.encryption,
          parts.ciphertext,
        )
        return { plaintext: new Uint8Array(plaintext), stamp: parts.stamp }
      } catch {
        // FN-8: bad padding. Like MultiFernet, a later key with the same signing half may fit.
      }
    }
    throw new FernetInvalidTokenError()
  }
}

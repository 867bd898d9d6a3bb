// Strict base64url codec (RFC 4648 §5) for Fernet keys and tokens: padded output (FN-5),
// strict input (FN-6). The runtime's Uint8Array.toBase64/fromBase64 (ES2026) where it has them
// (Deno 2 does; Node 20 and 22 do not), a plain table-driven loop otherwise.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const PAD = 0x3d // '='

/** One base64url implementation: both functions follow `encodeBase64Url`/`decodeBase64Url`. */
export interface Base64UrlCodec {
  encode(bytes: Uint8Array, pad?: boolean): string
  decode(text: string): Uint8Array | undefined
}

/** Native codec of ES2026 (`Uint8Array.fromBase64`, `Uint8Array.prototype.toBase64`). */
interface NativeBase64 {
  toBase64(this: Uint8Array, options: { alphabet: 'base64url'; omitPadding: boolean }): string
  fromBase64(
    text: string,
    options: { alphabet: 'base64url'; lastChunkHandling: 'loose' | 'strict' },
  ): Uint8Array
}

/** Sextet → ASCII code. */
const ENCODE = new Uint8Array(64)
/** Byte → sextet; 0xff for every byte outside the base64url alphabet ('=' included). */
const DECODE = new Uint8Array(256).fill(0xff)
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i)
  DECODE[ALPHABET.charCodeAt(i)] = i
}
const asciiDecoder = new TextDecoder()
const utf8Encoder = new TextEncoder()

/**
 * Number of data characters (padding stripped) of a well-formed base64url text, or -1.
 * Accepts fully padded text (length a multiple of 4, at most two `=`) and unpadded text;
 * rejects lengths no encoding can have (a final group of one character) (FN-6).
 */
function dataLength(text: string): number {
  const length = text.length
  let data = length
  if (length % 4 === 0 && length > 0 && text.charCodeAt(length - 1) === PAD) {
    data = text.charCodeAt(length - 2) === PAD ? length - 2 : length - 1
  }
  return data % 4 === 1 ? -1 : data
}

/** Whether the bits a final partial group leaves over are zero (RFC 4648 §3.5, canonical). */
function canonicalTail(text: string, data: number): boolean {
  const rest = data % 4
  if (rest === 0) return true
  const last = text.charCodeAt(data - 1)
  return ((last < 256 ? DECODE[last]! : 0xff) & (rest === 2 ? 0x0f : 0x03)) === 0
}

/** The portable codec: one table lookup per character. */
export const portableCodec: Base64UrlCodec = {
  encode(bytes, pad = true) {
    const n = bytes.length
    const whole = n - (n % 3)
    const out = new Uint8Array(pad ? Math.ceil(n / 3) * 4 : Math.ceil((n * 4) / 3))
    let o = 0
    for (let i = 0; i < whole; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
      out[o++] = ENCODE[v >>> 18]!
      out[o++] = ENCODE[(v >>> 12) & 63]!
      out[o++] = ENCODE[(v >>> 6) & 63]!
      out[o++] = ENCODE[v & 63]!
    }
    const rest = n - whole
    if (rest > 0) {
      const v = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0)
      out[o++] = ENCODE[v >>> 18]!
      out[o++] = ENCODE[(v >>> 12) & 63]!
      if (rest === 2) out[o++] = ENCODE[(v >>> 6) & 63]!
      if (pad) out.fill(PAD, o)
    }
    return asciiDecoder.decode(out)
  },

  decode(text) {
    const data = dataLength(text)
    if (data < 0) return undefined
    // Its UTF-8 bytes: one per character exactly when the text is ASCII.
    const ascii = utf8Encoder.encode(text)
    if (ascii.length !== text.length) return undefined
    const out = new Uint8Array(Math.floor((data * 3) / 4))
    const whole = data - (data % 4)
    let bad = 0 // OR of the sextets: above 0x3f when a character was outside the alphabet
    let o = 0
    for (let i = 0; i < whole; i += 4) {
      const a = DECODE[ascii[i]!]!
      const b = DECODE[ascii[i + 1]!]!
      const c = DECODE[ascii[i + 2]!]!
      const d = DECODE[ascii[i + 3]!]!
      bad |= a | b | c | d
      const v = (a << 18) | (b << 12) | (c << 6) | d
      out[o++] = v >>> 16
      out[o++] = (v >>> 8) & 0xff
      out[o++] = v & 0xff
    }
    if (data > whole) {
      const a = DECODE[ascii[whole]!]!
      const b = DECODE[ascii[whole + 1]!]!
      const c = data - whole === 3 ? DECODE[ascii[whole + 2]!]! : 0
      bad |= a | b | c
      const v = (a << 18) | (b << 12) | (c << 6)
      out[o++] = v >>> 16
      if (data - whole === 3) out[o] = (v >>> 8) & 0xff
    }
    return bad <= 0x3f && canonicalTail(text, data) ? out : undefined
  },
}

/** A codec on the runtime's `toBase64`/`fromBase64`, as strict as the portable one. */
export function nativeCodecOf(native: NativeBase64): Base64UrlCodec {
  return {
    encode: (bytes, pad = true) =>
      native.toBase64.call(bytes, { alphabet: 'base64url', omitPadding: !pad }),
    decode(text) {
      const data = dataLength(text)
      if (data < 0) return undefined
      let bytes: Uint8Array
      try {
        // 'strict' wants full padding; unpadded text needs 'loose', which also lets non-zero
        // trailing bits through: canonicalTail checks those.
        bytes = native.fromBase64(text, {
          alphabet: 'base64url',
          lastChunkHandling: data === text.length ? 'loose' : 'strict',
        })
      } catch {
        return undefined
      }
      // fromBase64 skips ASCII whitespace: a shorter result means the text had some.
      if (bytes.length !== Math.floor((data * 3) / 4)) return undefined
      return canonicalTail(text, data) ? bytes : undefined
    },
  }
}

const nativeFunctions = {
  toBase64: (Uint8Array.prototype as Partial<NativeBase64>).toBase64,
  fromBase64: (Uint8Array as Partial<NativeBase64>).fromBase64,
}
/** The runtime's codec, or undefined where it has none. */
export const nativeCodec: Base64UrlCodec | undefined =
  typeof nativeFunctions.toBase64 === 'function' && typeof nativeFunctions.fromBase64 === 'function'
    ? nativeCodecOf(nativeFunctions as NativeBase64)
    : undefined

const codec = nativeCodec ?? portableCodec

/**
 * base64url of `bytes` (RFC 4648 §5). With `pad` (the default) the output is padded with `=`
 * to a multiple of 4 characters, as Python's `urlsafe_b64encode` writes it (FN-5).
 */
export function encodeBase64Url(bytes: Uint8Array, pad = true): string {
  return codec.encode(bytes, pad)
}

/**
 * Bytes of a strict base64url text, or `undefined` if it is not one (FN-6): every character
 * must be in the RFC 4648 §5 alphabet (no `+`, `/`, whitespace or line breaks), padding is all
 * or nothing, the length must be possible, and unused trailing bits must be zero.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  return codec.decode(text)
}

// Strict base64url codec (RFC 4648 §5) for Fernet keys and tokens: padded output (FN-5),
// strict input (FN-6). Uses the runtime's Uint8Array.toBase64/fromBase64 where it has them,
// otherwise table-driven loops tuned for megabyte payloads.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const PAD = 0x3d // '='

/** Native codec of ES2026 (`Uint8Array.fromBase64`, `Uint8Array.prototype.toBase64`). */
interface NativeBase64 {
  toBase64(this: Uint8Array, options: { alphabet: 'base64url'; omitPadding: boolean }): string
  fromBase64(
    text: string,
    options: { alphabet: 'base64url'; lastChunkHandling: 'loose' | 'strict' },
  ): Uint8Array
}

const nativeToBase64 = (Uint8Array.prototype as Partial<NativeBase64>).toBase64
const nativeFromBase64 = (Uint8Array as Partial<NativeBase64>).fromBase64

/** True when the fast loops may view byte buffers as little-endian 32-bit words. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Sextet → ASCII code. */
const ENCODE = new Uint8Array(64)
/** ASCII code → sextet, 0xff for every byte outside the base64url alphabet ('=' included). */
const DECODE = new Uint8Array(256).fill(0xff)
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i)
  DECODE[ALPHABET.charCodeAt(i)] = i
}

/** 12 bits → two ASCII codes as one little-endian 16-bit unit (first character low). */
let encodePairs: Uint16Array | undefined
/** Two ASCII codes (first low) → 12 bits, or ≥ 0x1000 when either is outside the alphabet. */
let decodePairs: Uint16Array | undefined

function getEncodePairs(): Uint16Array {
  if (encodePairs) return encodePairs
  const table = new Uint16Array(4096)
  for (let i = 0; i < 4096; i++) table[i] = ENCODE[i >>> 6]! | (ENCODE[i & 63]! << 8)
  return (encodePairs = table)
}

function getDecodePairs(): Uint16Array {
  if (decodePairs) return decodePairs
  const table = new Uint16Array(65536).fill(0xffff)
  for (let a = 0; a < 64; a++) {
    for (let b = 0; b < 64; b++)
      table[ALPHABET.charCodeAt(a) | (ALPHABET.charCodeAt(b) << 8)] = (a << 6) | b
  }
  return (decodePairs = table)
}

const asciiDecoder = new TextDecoder()
const asciiEncoder = new TextEncoder()

/** Largest ASCII scratch buffer kept between calls (a 1 MiB payload's token fits). */
const SCRATCH_LIMIT = 2 * 1024 * 1024
let scratch = new Uint8Array(1024)

/**
 * A buffer at offset 0 of at least `length` bytes for the ASCII side of a conversion, reused
 * between calls (both loops are synchronous) to spare an allocation per call. Callers zero
 * what they used, so no key text stays behind.
 */
function scratchOf(length: number): Uint8Array {
  if (length <= scratch.length) return scratch
  const buffer = new Uint8Array(Math.max(length, Math.min(2 * scratch.length, SCRATCH_LIMIT)))
  if (length <= SCRATCH_LIMIT) scratch = buffer
  return buffer
}

/** Length of the encoding of `byteLength` bytes, padded to a multiple of 4 or not. */
export function encodedLength(byteLength: number, pad = true): number {
  return pad ? Math.ceil(byteLength / 3) * 4 : Math.ceil((byteLength * 4) / 3)
}

/**
 * base64url of `bytes` (RFC 4648 §5). With `pad` (the default) the output is padded with `=`
 * to a multiple of 4 characters, as Python's `urlsafe_b64encode` writes it (FN-5).
 */
export function encodeBase64Url(bytes: Uint8Array, pad = true): string {
  if (nativeToBase64)
    return nativeToBase64.call(bytes, { alphabet: 'base64url', omitPadding: !pad })
  return encodeLoop(bytes, pad)
}

/**
 * Starts encoding `bytes` when only its first `ready` bytes (a multiple of 3) are final, e.g.
 * while an HMAC over them is computed, and returns the function that encodes the rest, which
 * may change until then, and gives the whole padded text. The text is built as one flat string:
 * joining two long strings would cost a copy of the whole at its first use.
 */
export function encodeBase64UrlLater(bytes: Uint8Array, ready: number): () => string {
  if (ready % 3 !== 0 || ready < 0 || ready > bytes.length) {
    throw new RangeError('ready must be a multiple of 3 within the bytes')
  }
  if (nativeToBase64) return () => encodeBase64Url(bytes)
  // Its own buffer, not the scratch: other conversions may run before the rest is encoded.
  const out = new Uint8Array(encodedLength(bytes.length))
  encodeAscii(bytes.subarray(0, ready), out, 0, true)
  return () => {
    encodeAscii(bytes.subarray(ready), out, (ready / 3) * 4, true)
    return asciiDecoder.decode(out)
  }
}

/**
 * The portable encoder: ASCII bytes built in a buffer, then one TextDecoder call. On
 * little-endian machines it writes four characters per 32-bit store, unless `wordwise` is false.
 */
export function encodeLoop(bytes: Uint8Array, pad = true, wordwise = true): string {
  const length = encodedLength(bytes.length, pad)
  const out = scratchOf(length)
  encodeAscii(bytes, out, 0, pad, wordwise)
  const text = asciiDecoder.decode(out.subarray(0, length))
  out.fill(0, 0, length)
  return text
}

/**
 * Writes the base64url ASCII of `bytes` into `out` from `start` (a multiple of 4; `out` must
 * begin at offset 0 of its buffer) and returns where it ended.
 */
function encodeAscii(
  bytes: Uint8Array,
  out: Uint8Array,
  start: number,
  pad: boolean,
  wordwise = true,
): number {
  const n = bytes.length
  const whole = n - (n % 3)
  let i = 0
  let o = start
  if (wordwise && littleEndian) {
    // One 32-bit store per 3 input bytes: four characters from two 12-bit lookups.
    const pairs = getEncodePairs()
    const words = new Uint32Array(out.buffer, start, whole / 3)
    for (let w = 0; i < whole; i += 3, w++) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
      words[w] = pairs[v >>> 12]! | (pairs[v & 0xfff]! << 16)
    }
    o += (whole / 3) * 4
  } else {
    for (; i < whole; i += 3, o += 4) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
      out[o] = ENCODE[v >>> 18]!
      out[o + 1] = ENCODE[(v >>> 12) & 63]!
      out[o + 2] = ENCODE[(v >>> 6) & 63]!
      out[o + 3] = ENCODE[v & 63]!
    }
  }
  const rest = n - whole
  if (rest > 0) {
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
    out[o++] = ENCODE[v >>> 18]!
    out[o++] = ENCODE[(v >>> 12) & 63]!
    if (rest === 2) out[o++] = ENCODE[(v >>> 6) & 63]!
    if (pad) {
      out.fill(PAD, o, o + 3 - rest)
      o += 3 - rest
    }
  }
  return o
}

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
  const last = DECODE[text.charCodeAt(data - 1) & 0xff]!
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0
}

/**
 * Bytes of a strict base64url text, or `undefined` if it is not one (FN-6): every character
 * must be in the RFC 4648 §5 alphabet (no `+`, `/`, whitespace or line breaks), padding is all
 * or nothing, the length must be possible, and unused trailing bits must be zero.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  const data = dataLength(text)
  if (data < 0) return undefined
  if (nativeFromBase64) {
    let bytes: Uint8Array
    try {
      bytes = nativeFromBase64(text, {
        alphabet: 'base64url',
        lastChunkHandling: data === text.length ? 'loose' : 'strict',
      })
    } catch {
      return undefined
    }
    // fromBase64 skips ASCII whitespace: a shorter result means the text had some.
    if (bytes.length !== Math.floor((data * 3) / 4)) return undefined
    return canonicalTail(text, data) ? bytes : undefined
  }
  return decodeLoop(text)
}

/**
 * The portable decoder, as strict as `decodeBase64Url`. On little-endian machines it works
 * on 32-bit words, unless `wordwise` is false.
 */
export function decodeLoop(text: string, wordwise = true): Uint8Array | undefined {
  const data = dataLength(text)
  if (data < 0) return undefined
  // ASCII copy of the text: cheap, and any non-ASCII character makes it longer than the text.
  const length = text.length
  const ascii = scratchOf(length)
  try {
    const { read, written } = asciiEncoder.encodeInto(text, ascii.subarray(0, length))
    if (read !== length || written !== length) return undefined
    const out = new Uint8Array(Math.floor((data * 3) / 4))
    const valid =
      wordwise && littleEndian ? decodeWords(ascii, data, out) : decodeBytes(ascii, 0, data, out)
    return valid && canonicalTail(text, data) ? out : undefined
  } finally {
    ascii.fill(0, 0, length)
  }
}

/**
 * Decodes `data` ASCII characters at offset 0 of `ascii` into `out` with 32-bit loads and
 * stores: 16 characters (four loads, eight 12-bit lookups) become 12 bytes (three stores).
 * Little-endian only. False if a character is outside the alphabet.
 */
function decodeWords(ascii: Uint8Array, data: number, out: Uint8Array): boolean {
  const pairs = getDecodePairs()
  const blocks = data - (data % 16)
  const words = new Uint32Array(ascii.buffer, 0, blocks / 4)
  const outWords = new Uint32Array(out.buffer, 0, (blocks / 16) * 3)
  let bad = 0 // OR of the pair lookups: above 0xfff when a character was invalid
  for (let w = 0, o = 0; w < words.length; w += 4, o += 3) {
    const x0 = words[w]!
    const x1 = words[w + 1]!
    const x2 = words[w + 2]!
    const x3 = words[w + 3]!
    const a0 = pairs[x0 & 0xffff]!
    const a1 = pairs[x0 >>> 16]!
    const b0 = pairs[x1 & 0xffff]!
    const b1 = pairs[x1 >>> 16]!
    const c0 = pairs[x2 & 0xffff]!
    const c1 = pairs[x2 >>> 16]!
    const d0 = pairs[x3 & 0xffff]!
    const d1 = pairs[x3 >>> 16]!
    bad |= a0 | a1 | b0 | b1 | c0 | c1 | d0 | d1
    // Each group of four characters → 24 bits, its three bytes big-endian.
    const a = (a0 << 12) | a1
    const b = (b0 << 12) | b1
    const c = (c0 << 12) | c1
    const d = (d0 << 12) | d1
    // Bytes a2 a1 a0 b2 | b1 b0 c2 c1 | c0 d2 d1 d0, stored as little-endian words.
    outWords[o] = ((a >>> 16) & 0xff) | (a & 0xff00) | ((a & 0xff) << 16) | ((b & 0xff0000) << 8)
    outWords[o + 1] = ((b >>> 8) & 0xff) | ((b & 0xff) << 8) | (c & 0xff0000) | ((c & 0xff00) << 16)
    outWords[o + 2] = (c & 0xff) | ((d >>> 8) & 0xff00) | ((d & 0xff00) << 8) | (d << 24)
  }
  return bad <= 0xfff && decodeBytes(ascii, blocks, data, out)
}

/**
 * Decodes characters `start` to `data` of `ascii` (start a multiple of 4) into `out` at
 * `start / 4 * 3`, one character at a time. False if a character is outside the alphabet.
 */
function decodeBytes(ascii: Uint8Array, start: number, data: number, out: Uint8Array): boolean {
  const whole = data - (data % 4)
  let bad = 0 // OR of sextets: above 0x3f when a character was invalid
  let i = start
  let o = (start / 4) * 3
  for (; i < whole; i += 4) {
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
  const rest = data - whole
  if (rest > 0) {
    const a = DECODE[ascii[i]!]!
    const b = DECODE[ascii[i + 1]!]!
    const c = rest === 3 ? DECODE[ascii[i + 2]!]! : 0
    bad |= a | b | c
    const v = (a << 18) | (b << 12) | (c << 6)
    out[o++] = v >>> 16
    if (rest === 3) out[o++] = (v >>> 8) & 0xff
  }
  return bad <= 0x3f
}

// Request bodies: size limit (413), media type checks (415) and strict UTF-8, as RequestBodyError.
import { readStreamBounded } from './stream.ts'

/** A body this server will not read: too large, wrong media type, unreadable or not UTF-8. */
export class RequestBodyError extends Error {
  readonly code:
    | 'ERR_BODY_TOO_LARGE'
    | 'ERR_UNSUPPORTED_MEDIA_TYPE'
    | 'ERR_BODY_UNREADABLE'
    | 'ERR_BODY_NOT_UTF8'
  /** 413, 415 or 400. */
  readonly status: 413 | 415 | 400

  constructor(code: RequestBodyError['code'], message: string) {
    super(message)
    this.name = 'RequestBodyError'
    this.code = code
    this.status =
      code === 'ERR_BODY_TOO_LARGE' ? 413 : code === 'ERR_UNSUPPORTED_MEDIA_TYPE' ? 415 : 400
  }
}

/** Default request body limit: 16 KiB is far above any form this project accepts. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024

const tooLarge = (max: number) =>
  new RequestBodyError('ERR_BODY_TOO_LARGE', `request body is larger than ${max} bytes`)

/**
 * Reads the whole body, refusing more than `maxBytes` (413). A declared `Content-Length` over the
 * limit is refused before reading; with a declared length within it the runtime's buffered read
 * is used (the HTTP parser delivers no more than the declared length) and re-checked; without
 * one (chunked) the stream is read and abandoned as soon as it passes the limit.
 *
 * Why not `hono/body-limit` (Hono 4.13) in front of the routes: it trusts a declared length as
 * `parseInt` reads it (`29abc` passes as 29, `abc` as no limit at all) and never re-checks the
 * bytes then read; a body stream that fails mid-read escapes as an unexpected error (our 500)
 * instead of a 400; and it buffers the body into a new Request that this function would then read
 * again. Its refusal is also a text 413, where the OAuth2 endpoints answer RFC 6749 §5.2 JSON
 * and /mcp a JSON-RPC error (both built from this RequestBodyError).
 */
export async function readBodyBytes(
  request: Request,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    if (!/^\d+$/.test(declared))
      throw new RequestBodyError('ERR_BODY_UNREADABLE', 'invalid Content-Length')
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes)
    let buffer: ArrayBuffer
    try {
      buffer = await request.arrayBuffer()
    } catch {
      throw new RequestBodyError('ERR_BODY_UNREADABLE', 'request body could not be read')
    }
    if (buffer.byteLength > maxBytes) throw tooLarge(maxBytes)
    return new Uint8Array(buffer)
  }
  let bytes: Uint8Array | undefined
  try {
    bytes = await readStreamBounded(request.body, maxBytes)
  } catch {
    throw new RequestBodyError('ERR_BODY_UNREADABLE', 'request body could not be read')
  }
  if (bytes === undefined) throw tooLarge(maxBytes)
  return bytes
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes UTF-8 strictly (RFC 8725 §3.7 spirit; RFC 6749 App. B): invalid bytes are a 400. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new RequestBodyError('ERR_BODY_NOT_UTF8', 'request body is not valid UTF-8')
  }
}

/** A parsed `Content-Type`: lower-cased `type/subtype` and lower-cased parameter names. */
export interface MediaType {
  type: string
  params: Record<string, string>
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

/** Parses a Content-Type header (RFC 9110 §8.3.1); undefined when absent or malformed. */
export function parseMediaType(header: string | null): MediaType | undefined {
  if (header === null) return undefined
  const [essence = '', ...rest] = header.split(';')
  const type = essence.trim().toLowerCase()
  const slash = type.indexOf('/')
  if (slash <= 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) {
    return undefined
  }
  const params: Record<string, string> = {}
  for (const part of rest) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim().toLowerCase()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1)
    if (name) params[name] = value
  }
  return { type, params }
}

/**
 * Refuses (415) a request whose media type is not `expected`, or whose `charset` parameter is
 * present and not UTF-8. A missing Content-Type is refused too: we never sniff.
 */
export function requireMediaType(request: Request, expected: string): void {
  const media = parseMediaType(request.headers.get('content-type'))
  if (media === undefined || media.type !== expected) {
    throw new RequestBodyError('ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${expected}`)
  }
  const charset = media.params.charset?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new RequestBodyError('ERR_UNSUPPORTED_MEDIA_TYPE', 'only the UTF-8 charset is accepted')
  }
}

// Standard input as text for the PII commands: UTF-8, or UTF-16 that says so with a byte-order
// mark; everything else (UTF-16/32 without a BOM, UTF-32, binary, invalid UTF-8) is refused.
import { UsageError } from './command.ts'

/** How to turn another encoding into UTF-8, quoted in every refusal. */
const convert = (from = 'UTF-16LE') => `convert it to UTF-8 first, e.g. iconv -f ${from} -t UTF-8`

/**
 * Decodes `bytes` by their byte-order mark (RFC 3629 §6, RFC 2781 §3.2): a UTF-8 BOM is
 * dropped, a UTF-16 BOM selects UTF-16LE or BE. Without one the text must be UTF-8 with no NUL
 * byte: NULs are how UTF-16 or UTF-32 without a BOM shows (ASCII as `a\0b\0`), and such input
 * would otherwise pass as "valid" UTF-8 in which no PII pattern matches.
 * @throws UsageError naming what it saw, never quoting the input
 */
export function decodeTextInput(bytes: Uint8Array): string {
  const [b0, b1, b2, b3] = bytes
  const utf32 =
    (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) ||
    (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
  if (utf32) {
    throw new UsageError(`standard input is UTF-32 text, which is not read: ${convert('UTF-32')}`)
  }
  if (b0 === 0xff && b1 === 0xfe) return decode('utf-16le', bytes.subarray(2))
  if (b0 === 0xfe && b1 === 0xff) return decode('utf-16be', bytes.subarray(2))
  if (bytes.includes(0)) {
    throw new UsageError(
      `standard input holds NUL bytes: UTF-16 or UTF-32 text without a byte-order mark, or binary data; ${convert()}`,
    )
  }
  const bom = b0 === 0xef && b1 === 0xbb && b2 === 0xbf
  return decode('utf-8', bom ? bytes.subarray(3) : bytes)
}

function decode(encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    const name = encoding.toUpperCase()
    throw new UsageError(`standard input is not valid ${name} text (${convert()})`)
  }
}

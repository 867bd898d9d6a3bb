// SHA-256 as lowercase hex over UTF-8 text, on Web Crypto (the audit chain's only primitive).

const encoder = new TextEncoder()
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex SHA-256 (FIPS 180-4) of the UTF-8 encoding of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += HEX[byte]
  return hex
}

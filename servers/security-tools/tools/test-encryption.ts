// Tool `test_encryption`: encrypts a text with the server's Fernet key (FN-3) and checks that the
// token decrypts back to it (FN-4), without ever returning the text itself.
import * as v from 'valibot'
import { ToolError } from '../../../shared/mcp/errors.ts'
import { defineTool, type Tool } from '../../../shared/mcp/tool.ts'
import { NO_KEY_MESSAGE, type KeyRing, type SecurityToolsDeps } from '../deps.ts'

/** Longest text accepted, in UTF-16 code units. */
export const MAX_PLAINTEXT_LENGTH = 100_000

const Output = v.strictObject({
  token: v.pipe(v.string(), v.description('Fernet token (padded base64url, version 0x80).')),
  tokenLength: v.pipe(v.number(), v.description('Characters in the token.')),
  plaintextBytes: v.pipe(v.number(), v.description('UTF-8 bytes encrypted.')),
  decryptsBack: v.pipe(
    v.boolean(),
    v.description('The token verifies and decrypts back to exactly the given text.'),
  ),
  timestamp: v.pipe(v.string(), v.description('Creation time sealed in the token (ISO 8601).')),
  keyCount: v.pipe(
    v.number(),
    v.description('Keys in the ring: the first encrypts, all decrypt (rotation).'),
  ),
  format: v.string(),
})
type Result = v.InferInput<typeof Output>

/** Decrypts `token` and compares; any failure to verify or decrypt is `false`, never thrown. */
async function roundTrips(keys: KeyRing, token: string, text: string): Promise<boolean> {
  try {
    return (await keys.decryptText(token)) === text
  } catch {
    return false
  }
}

export function testEncryption(deps: SecurityToolsDeps): Tool {
  return defineTool({
    name: 'test_encryption',
    title: 'Test encryption',
    description:
      'Encrypts a text with the Fernet key configured on the server (FERNET_KEY or ' +
      'FERNET_KEY_FILE) and checks the round trip: returns the token, its length, whether it ' +
      'decrypts back to the same text, and how many keys the ring holds. The text itself is ' +
      'never returned.',
    input: v.strictObject({
      text: v.pipe(
        v.string(),
        v.maxLength(MAX_PLAINTEXT_LENGTH),
        v.description(`The text to encrypt (at most ${MAX_PLAINTEXT_LENGTH} characters).`),
      ),
    }),
    output: Output,
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    text: (out) =>
      `Encrypted ${out.plaintextBytes} byte(s) with the first of ${out.keyCount} key(s) into a ` +
      `${out.tokenLength}-character Fernet token; it decrypts back to the same text: ` +
      `${out.decryptsBack ? 'yes' : 'NO'}.\n${out.token}`,
    handler: async ({ text }): Promise<Result> => {
      const keys = deps.keyRing
      if (!keys) throw new ToolError(NO_KEY_MESSAGE)
      const token = await keys.encrypt(text)
      const [decryptsBack, seconds] = await Promise.all([
        roundTrips(keys, token, text),
        keys.extractTimestamp(token),
      ])
      return {
        token,
        tokenLength: token.length,
        plaintextBytes: new TextEncoder().encode(text).length,
        decryptsBack,
        timestamp: new Date(seconds * 1000).toISOString(),
        keyCount: keys.size,
        format: 'Fernet version 0x80: AES-128-CBC with PKCS#7 padding, HMAC-SHA256',
      }
    },
  })
}

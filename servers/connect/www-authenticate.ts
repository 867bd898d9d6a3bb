// Reads the Bearer challenge of a WWW-Authenticate header (RFC 9110 §11.6.1, RFC 6750 §3) for
// its parameters, `resource_metadata` above all (RFC 9728 §5.1).

/** Auth-params of the Bearer challenge, names lower-cased; undefined when there is no Bearer challenge. */
export function bearerChallengeParams(header: string | null): Record<string, string> | undefined {
  if (!header) return undefined
  for (const challenge of parseChallenges(header)) {
    if (challenge.scheme.toLowerCase() === 'bearer') return challenge.params
  }
  return undefined
}

interface Challenge {
  scheme: string
  params: Record<string, string>
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const SPACE = /[ \t]*/y

/**
 * `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, several challenges separated by
 * commas; `auth-param = token BWS "=" BWS ( token / quoted-string )`. A malformed tail ends the
 * parse, keeping what was read before it.
 */
function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = []
  let at = 0
  const skip = (pattern: RegExp) => {
    pattern.lastIndex = at
    const m = pattern.exec(header)
    if (m) at += m[0].length
    return m?.[0]
  }
  const skipSpaceAndCommas = () => {
    while (at < header.length && /[ \t,]/.test(header[at]!)) at++
  }
  skipSpaceAndCommas()
  while (at < header.length) {
    const scheme = skip(TOKEN)
    if (!scheme) break
    const challenge: Challenge = { scheme, params: {} }
    challenges.push(challenge)
    for (;;) {
      skip(SPACE)
      const start = at
      const name = skip(TOKEN)
      if (!name) break
      skip(SPACE)
      if (header[at] !== '=') {
        // A token68 or the next challenge's scheme: step back and let the outer loop decide.
        at = start
        break
      }
      at++
      skip(SPACE)
      let value: string | undefined
      if (header[at] === '"') {
        at++
        let text = ''
        while (at < header.length && header[at] !== '"') {
          if (header[at] === '\\' && at + 1 < header.length) at++ // quoted-pair
          text += header[at]
          at++
        }
        if (header[at] !== '"') return challenges // unterminated quoted-string
        at++
        value = text
      } else {
        value = skip(TOKEN)
        if (value === undefined) {
          // token68 ends with "=" padding (`abc==`): skip it and the rest of this challenge.
          while (at < header.length && header[at] !== ',') at++
          break
        }
      }
      const key = name.toLowerCase()
      if (!(key in challenge.params)) challenge.params[key] = value
      skip(SPACE)
      if (header[at] !== ',') break
      at++
    }
    skipSpaceAndCommas()
    if (at < header.length && !TOKEN_CHAR.test(header[at]!)) break
  }
  return challenges
}

// The source address a brute-force counter is keyed by (OA-10): one IPv4 address or one IPv6 /64.

/** The eight 16-bit groups of an IPv6 address (no zone, no brackets), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const v4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (v4) {
    const [a, b, c, d] = v4.slice(2).map(Number) as [number, number, number, number]
    if (Math.max(a, b, c, d) > 255) return undefined
    text = `${v4[1]}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN))
  const head = parse(halves[0]!)
  const tail = halves.length === 2 ? parse(halves[1]!) : []
  const given = head.length + tail.length
  if ([...head, ...tail].some(Number.isNaN)) return undefined
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined
  return [...head, ...new Array<number>(8 - given).fill(0), ...tail]
}

/**
 * The counter key of a connection's source address. An IPv4 address (also IPv4-mapped IPv6,
 * `::ffff:192.0.2.1`) is itself; an IPv6 address is its /64, the smallest block one subscriber
 * usually holds (RFC 6177), so one host cannot become 2^64 sources. Anything else (no address
 * known, a proxy's odd value) is one key per distinct text: its first 64 characters, encoded so
 * that it never holds a space (the authenticator's pair key splits at the first space).
 */
export function sourceOf(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown'
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return bare
  if (bare.includes(':')) {
    const groups = ipv6Groups(bare)
    if (groups !== undefined) {
      const mapped = groups.slice(0, 6).join(',') === '0,0,0,0,0,65535'
      if (mapped)
        return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.')
      return `${groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(':')}::/64`
    }
  }
  return `other:${encodeURIComponent(bare.slice(0, 64))}`
}

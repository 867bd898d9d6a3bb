// Column headers of delimited tables (CSV, TSV, Markdown/pipe tables) as context: a value in a
// column headed `성명` or `passport` is read with that header, as a person reading the table would.

/** Looks up the header of the column a text offset lies in. */
export interface TableContext {
  /** The header cell text (trimmed, quotes removed) of the column at `index`, if any. */
  headerAt(index: number): string | undefined
}

/** Delimiters tried in this order; a line's delimiter is the first one it contains. */
const DELIMITERS = ['\t', '|', ',', ';'] as const
/** Longer lines are not read as table rows (keeps each lookup cheap). */
const MAX_LINE = 4096

interface Line {
  start: number
  end: number
  delimiter: string
  count: number
  /** Index of the header line of this line's block, or -1 when the line is not a data row. */
  header: number
}

const countOf = (line: string, ch: string) => {
  let n = 0
  for (let i = line.indexOf(ch); i !== -1; i = line.indexOf(ch, i + 1)) n++
  return n
}

/** Longest header cell: prose split at its commas is not a header. */
const MAX_HEADER_CELL = 24

/** A header line names columns: short cells of a few words, no digits and no `@` (values have them). */
const looksLikeHeader = (line: string, delimiter: string) =>
  !/[\d@]/.test(line) &&
  line.split(delimiter).every((cell) => {
    const name = cell.trim()
    // A column name: short, at most three words, no sentence punctuation at its end.
    return (
      name.length > 0 &&
      name.length <= MAX_HEADER_CELL &&
      name.split(' ').length <= 3 &&
      !/[.!?。]$/.test(name)
    )
  })

/**
 * Builds the lookup lazily (one linear pass over the lines on the first query). A block is a
 * run of at least two consecutive lines with the same delimiter and the same number of them; its
 * first line is the header when it looks like one (short cells without digits or `@`).
 */
export function tableContext(text: string): TableContext {
  let lines: Line[] | undefined
  const headerCells = new Map<number, string[]>()
  const build = (): Line[] => {
    const out: Line[] = []
    let start = 0
    while (start <= text.length) {
      let end = text.indexOf('\n', start)
      if (end === -1) end = text.length
      let delimiter = ''
      let count = 0
      if (end - start <= MAX_LINE) {
        const lineText = text.slice(start, end)
        for (const d of DELIMITERS)
          if (lineText.includes(d)) {
            delimiter = d
            count = countOf(lineText, d)
            break
          }
      }
      out.push({ start, end, delimiter, count, header: -1 })
      start = end + 1
    }
    for (let i = 1; i < out.length; i++) {
      const line = out[i]!
      const previous = out[i - 1]!
      if (
        line.count === 0 ||
        line.delimiter !== previous.delimiter ||
        line.count !== previous.count
      )
        continue
      if (previous.header !== -1) line.header = previous.header
      else if (looksLikeHeader(text.slice(previous.start, previous.end), line.delimiter))
        line.header = i - 1
    }
    return out
  }
  return {
    headerAt(index) {
      lines ??= build()
      let lo = 0
      let hi = lines.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (lines[mid]!.start <= index) lo = mid
        else hi = mid - 1
      }
      const line = lines[lo]!
      if (line.header === -1) return undefined
      const column = countOf(text.slice(line.start, index), line.delimiter)
      let cells = headerCells.get(line.header)
      if (!cells) {
        const header = lines[line.header]!
        cells = text.slice(header.start, header.end).split(line.delimiter)
        headerCells.set(line.header, cells)
      }
      const cell = cells[column]
      return cell === undefined
        ? undefined
        : cell
            .trim()
            .replace(/^["']|["']$/g, '')
            .trim()
    },
  }
}

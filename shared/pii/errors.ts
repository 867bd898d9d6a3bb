// Errors of the PII library: one base class with stable string codes. Detection
// errors live here; the policy and walk errors extend `PiiError` in their own files.

/** Base class of every error the PII library throws on purpose; `code` is stable. */
export abstract class PiiError extends Error {
  abstract readonly code: string
}

/**
 * The text is longer than the detector's `maxInputLength` (RX-3: cap the input length of every
 * scan). Nothing was scanned and nothing is lost: the caller decides (split, reject, allow).
 */
export class PiiInputTooLargeError extends PiiError {
  readonly code = 'ERR_PII_INPUT_TOO_LARGE'
  override readonly name = 'PiiInputTooLargeError'
  /** Length of the rejected text, in UTF-16 code units. */
  readonly length: number
  /** The cap it exceeded (`maxInputLength`), in UTF-16 code units. */
  readonly limit: number

  constructor(length: number, limit: number) {
    super(`PII scan refused: input of ${length} UTF-16 code units exceeds maxInputLength ${limit}`)
    this.length = length
    this.limit = limit
  }
}

/**
 * A pattern file, a pattern definition or a detector option is invalid. The message names the
 * file, the entry (index and id) and the problem; thrown when patterns load or a detector is made.
 */
export class PiiConfigError extends PiiError {
  readonly code = 'ERR_PII_CONFIG'
  override readonly name = 'PiiConfigError'
}

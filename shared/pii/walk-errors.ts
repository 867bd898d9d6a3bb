// Errors of the JSON walk: values the PII policy cannot traverse. Messages never quote the
// value or its keys (keys can hold personal data too).
import { PiiError } from './errors.ts'

/** The value refers to itself: a container appears inside its own contents. */
export class PiiCycleError extends PiiError {
  readonly code = 'ERR_PII_CYCLE'
  override readonly name = 'PiiCycleError'
  /** Nesting depth (root container = 1) at which the repeated container was met again. */
  readonly depth: number

  constructor(depth: number) {
    super(`PII scan refused: the value contains a circular reference (at depth ${depth})`)
    this.depth = depth
  }
}

/** The value nests objects and arrays deeper than the configured `maxDepth`. */
export class PiiDepthError extends PiiError {
  readonly code = 'ERR_PII_TOO_DEEP'
  override readonly name = 'PiiDepthError'
  /** The limit that was exceeded. */
  readonly maxDepth: number

  constructor(maxDepth: number) {
    super(`PII scan refused: the value is nested deeper than ${maxDepth} levels`)
    this.maxDepth = maxDepth
  }
}

/** An object that is neither a plain object nor an array (a Date, Map, class instance…). */
export class PiiUnsupportedValueError extends PiiError {
  readonly code = 'ERR_PII_UNSUPPORTED_VALUE'
  override readonly name = 'PiiUnsupportedValueError'
  /** Constructor name of the offending object, e.g. `Date`, or `Object` when it has none. */
  readonly kind: string

  constructor(value: object) {
    const kind =
      typeof value.constructor === 'function' ? value.constructor.name || 'Object' : 'Object'
    super(`PII scan refused: a ${kind} is not a JSON value (only plain objects and arrays)`)
    this.kind = kind
  }
}

/**
 * The value holds more text (strings and keys, in UTF-16 code units) than one scan may cover:
 * nothing was scanned, so nothing of it may pass (the guard refuses the message).
 */
export class PiiScanBudgetError extends PiiError {
  readonly code = 'ERR_PII_SCAN_BUDGET'
  override readonly name = 'PiiScanBudgetError'
  /** Characters of text the value holds (counted up to just past the budget). */
  readonly length: number
  /** The budget it exceeded. */
  readonly budget: number

  constructor(length: number, budget: number) {
    super(
      `PII scan refused: the value holds more than ${budget} characters of text (at least ${length}), over the scan budget`,
    )
    this.length = length
    this.budget = budget
  }
}

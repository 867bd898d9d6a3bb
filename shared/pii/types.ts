// PII detection types shared by the detector, the policies and their callers.

/** One detected value in a text. Offsets are UTF-16 code unit indices, `end` exclusive. */
export interface Finding {
  /** Entity type, e.g. `email`, `phone`, `korean_name`, `ssn`, `credit_card`, `aws_access_key_id`. */
  type: string
  start: number
  end: number
  /** Confidence in [0, 1]: the pattern's base score, raised or lowered by validators and context. */
  score: number
  /** True when a validator (checksum, Luhn, date sanity…) confirmed the value. */
  validated: boolean
}

/** `pii` is personal data; `secret` is a credential (SEC-*), always masked in tool results. */
export type EntityCategory = 'pii' | 'secret'

/** Scans text for entities. Implementations are pure and safe to share between requests. */
export interface Detector {
  /** Findings sorted by `start`, without overlaps (the stronger finding wins). */
  detect(text: string): Finding[]
  /** Every entity type this detector can report. */
  readonly types: readonly string[]
  /** Category of a type; unknown types are `pii`. */
  categoryOf(type: string): EntityCategory
}

/**
 * What a validator says about a match (PII-17 semantics, Presidio's validate_result):
 * `true` confirmed (score 1.0, `validated`); `false` not this entity (dropped); `undefined`
 * cannot tell (the pattern's base score stands). A number in [0, 1] (our extension) replaces the
 * base score: a weaker or stronger form of the entity that is not confirmed.
 */
export type ValidatorResult = boolean | number | undefined

/** Gets the matched value (the capture group when the pattern names one). */
export type Validator = (value: string) => ValidatorResult

/** What the `encrypt` policy needs: anything that turns text into an opaque token. */
export interface TextEncryptor {
  encrypt(text: string): Promise<string>
}

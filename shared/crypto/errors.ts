// Errors of the Fernet library: one base class, stable string codes, fixed wording.

export type FernetErrorCode = 'ERR_FERNET_INVALID_TOKEN' | 'ERR_FERNET_KEY'

/** Base class of every error this library throws on purpose. */
export abstract class FernetError extends Error {
  abstract readonly code: FernetErrorCode
}

/** The one message of every rejected token (FN-11). */
export const INVALID_TOKEN_MESSAGE = 'Invalid Fernet token'

/**
 * A token was rejected. Thrown for every reason alike (bad encoding, length, version, age,
 * MAC, padding, UTF-8) so that callers and attackers cannot tell which check failed (FN-11).
 */
export class FernetInvalidTokenError extends FernetError {
  readonly code = 'ERR_FERNET_INVALID_TOKEN'
  override readonly name = 'FernetInvalidTokenError'

  constructor() {
    super(INVALID_TOKEN_MESSAGE)
  }
}

/** A key (or key list) is unusable; the message says why and where, never the key itself. */
export class FernetKeyError extends FernetError {
  readonly code = 'ERR_FERNET_KEY'
  override readonly name = 'FernetKeyError'
}

// Strict application/x-www-form-urlencoded request parsing for OAuth endpoints (RFC 6749 §3.2, OA-3).
import { decodeUtf8, readBodyBytes, RequestBodyError, requireMediaType } from './body.ts'
import { OAuthError } from './oauth-error.ts'

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded'

/**
 * Form parameters with RFC 6749 §3.2 semantics (OA-3): a parameter sent without a value is
 * treated as omitted, unrecognised parameters are simply never read, and reading a single-valued
 * parameter that was sent more than once is an `invalid_request`.
 */
export class StrictForm {
  readonly #params: URLSearchParams

  constructor(params: URLSearchParams) {
    this.#params = params
  }

  /** Every non-empty value of `name`, in order (for parameters that may repeat, e.g. `resource`). */
  getAll(name: string): string[] {
    return this.#params.getAll(name).filter((value) => value !== '')
  }

  /** The value of `name`; undefined when absent or empty; `invalid_request` when repeated. */
  get(name: string): string | undefined {
    const values = this.getAll(name)
    if (values.length > 1) {
      throw new OAuthError('invalid_request', `parameter ${name} is repeated`)
    }
    return values[0]
  }

  /** True when `name` was sent with a non-empty value. */
  has(name: string): boolean {
    return this.getAll(name).length > 0
  }
}

/** Options of `readForm`. */
export interface ReadFormOptions {
  /** Largest accepted body in bytes; larger is 413. Default 16 KiB (`DEFAULT_MAX_BODY_BYTES`). */
  maxBytes?: number
}

/** The RFC 6749 §5.2 error for a body we refuse; keeps its 413/415/400 status. */
export function bodyErrorToOAuth(error: RequestBodyError): OAuthError {
  return new OAuthError('invalid_request', error.message, { status: error.status })
}

/**
 * Reads an OAuth request body (OA-1): `application/x-www-form-urlencoded` only (else 415), at
 * most `maxBytes` (else 413), valid UTF-8 (RFC 6749 App. B; else 400). Every failure is an
 * OAuthError `invalid_request` with the matching status. Parsed with URLSearchParams.
 */
export async function readForm(
  request: Request,
  options: ReadFormOptions = {},
): Promise<StrictForm> {
  try {
    requireMediaType(request, FORM_MEDIA_TYPE)
    const text = decodeUtf8(await readBodyBytes(request, options.maxBytes))
    return new StrictForm(new URLSearchParams(text))
  } catch (error) {
    if (error instanceof RequestBodyError) throw bodyErrorToOAuth(error)
    throw error
  }
}

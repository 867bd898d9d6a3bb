// Public API of the Fernet library: import from 'shared/crypto/index.ts'.
export { FernetKeyRing, MAX_CLOCK_SKEW_SECONDS } from './fernet.ts'
export type { DecryptOptions, EncryptOptions } from './fernet.ts'
export { FERNET_KEY_BYTES, decodeFernetKey, generateFernetKey, parseFernetKeys } from './keys.ts'
export {
  FernetError,
  FernetInvalidTokenError,
  FernetKeyError,
  INVALID_TOKEN_MESSAGE,
} from './errors.ts'
export type { FernetErrorCode } from './errors.ts'

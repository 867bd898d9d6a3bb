// Every CLI command, in the order `--help` lists them.
import type { Command } from '../command.ts'
import { auditVerify } from './audit.ts'
import { clientsCommands } from './clients.ts'
import { fernetDecrypt, fernetEncrypt } from './fernet.ts'
import { keysFernet, keysJwt } from './keys.ts'
import { piiMask, piiScan } from './pii.ts'

export const commands: readonly Command[] = [
  keysFernet,
  keysJwt,
  fernetEncrypt,
  fernetDecrypt,
  piiScan,
  piiMask,
  auditVerify,
  ...clientsCommands,
]

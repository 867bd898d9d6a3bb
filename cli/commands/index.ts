// Every CLI command, in the order `--help` lists them.
import type { Command } from '../command.ts'
import { clientsCommands } from './clients.ts'

export const commands: readonly Command[] = [...clientsCommands]

// What the security-tools server says about itself in `initialize` (plain data: the stdio entry
// answers `initialize` from it before the MCP SDK is loaded).
import type { ServerInfo } from '../../shared/mcp/initialize.ts'

export const SECURITY_TOOLS_INFO: ServerInfo = {
  name: 'security-tools',
  version: '0.1.0',
  title: 'Security tools',
  instructions:
    'Security demonstrations and audit tools: detect PII in a text and see what each policy ' +
    'does to it, round-trip a text through the configured Fernet key, read the audit log, ' +
    'simulate bulk PII exposure detection, and summarise the audit log (with a hash-chain check). ' +
    'Results never contain the raw personal data that was found.',
}

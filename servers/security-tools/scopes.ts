// The scopes the security tools need beyond the endpoint's own when served over HTTP (the
// gateway's defaults for its built-in `security` server): reading the audit trail shows every
// client's calls, so only operator clients, holding `audit.read`, may list or call those tools.
// (RFC 6749 §3.3 scope tokens; the stdio entry has no tokens: who can run it is who can exec it.)

/** The scope of the tools that read the audit log. */
export const AUDIT_READ_SCOPE = 'audit.read'

/** Extra scopes per tool (its own name): `get_security_audit_log`, `generate_security_report`. */
export const SECURITY_TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  get_security_audit_log: [AUDIT_READ_SCOPE],
  generate_security_report: [AUDIT_READ_SCOPE],
})

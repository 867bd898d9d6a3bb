// Public API of the shared MCP layer (Web-standard): tools, the tool server, the guard pipeline.
export {
  createToolContext,
  LOG_LEVELS,
  type HandlerExtra,
  type LogMethod,
  type ProgressReporter,
  type ToolContext,
  type ToolLogger,
} from './context.ts'
export { newErrorId, ToolError, type ToolErrorCode } from './errors.ts'
export {
  createGuard,
  type AuditRecorder,
  type Guard,
  type GuardedCall,
  type GuardOptions,
  type JsonRpcErrorBody,
  type ToolCallStart,
} from './guard/guard.ts'
export { createDeferredGuard, SCRUB_UNAVAILABLE } from './guard/deferred.ts'
export { strongest } from './guard/audit.ts'
export {
  guardToolCallRequest,
  guardToolCallResponse,
  isToolCallRequest,
  type ToolCallDecision,
} from './guard/messages.ts'
export { guardResultContent, type GuardedResult, type ScanSummary } from './guard/result.ts'
export { ANONYMOUS, identityFromAuthInfo, type Identity } from './identity.ts'
export { runGuarded, type GuardedStart } from './run-guarded.ts'
export {
  initializeResult,
  PROTOCOL_VERSIONS,
  TOOL_SERVER_CAPABILITIES,
  type ServerInfo,
} from './initialize.ts'
export { toolJsonSchema } from './json-schema.ts'
export {
  BUILTIN_DEFAULTS,
  DEFAULT_SECURITY_POLICY,
  parseSecurityPolicy,
  resolvePiiPolicy,
  rulesUsing,
  type DirectionRules,
  type PolicyCheckOptions,
  type PolicyDirection,
  type SecurityPolicy,
  type ToolRules,
} from './policy-config.ts'
export { errorResult, isJsonObject, jsonText, structuredResult, textOf } from './result.ts'
export { createToolServer, type ToolServerDeps } from './server.ts'
export {
  defineTool,
  type HandlerOutput,
  type ObjectSchema,
  type StructuredOutput,
  type Tool,
  type ToolAnnotations,
  type ToolDefinition,
  type ToolOutcome,
} from './tool.ts'
export { describeIssues, safeIssueMessage, validate, type Validation } from './validation.ts'

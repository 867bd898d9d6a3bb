// Transport-level refusals of /mcp in the shape the SDK transport uses: a JSON-RPC error object
// with `id: null` (MCP-T2, MCP-T3 "body MAY be a JSON-RPC error without id").

/** A JSON response `{"jsonrpc":"2.0","error":{code,message},"id":null}` with `status`. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  })
}

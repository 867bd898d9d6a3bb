// What the example server says about itself in `initialize` (plain data: the stdio entry answers
// `initialize` from it before the MCP SDK is loaded).
import type { ServerInfo } from '../../shared/mcp/initialize.ts'

export const EXAMPLE_INFO: ServerInfo = {
  name: 'example',
  version: '0.1.0',
  title: 'Example tools',
  instructions:
    'Small demonstration tools: echo text, add two numbers, tell the time in a time zone.',
}

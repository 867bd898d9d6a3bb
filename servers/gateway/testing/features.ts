// Test upstreams offering every relayed feature (resources with pages and a template, prompts,
// completions) besides one tool: SDK `McpServer`s mounted in-process, for the gateway's tests.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js'
import { completable } from '@modelcontextprotocol/sdk/server/completable.js'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  ListResourcesRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'

/**
 * Server `name`: tool `ping_<name>`, resources `<scheme>://doc/1..3` (listed 2 per page),
 * template `<scheme>://note/{id}` completing ids, prompt `greet` (shared by every such server)
 * and `<name>_only`, completing `topic`; subscriptions, with tool `touch_<name>` (`uri`) sending
 * `notifications/resources/updated` when that URI is subscribed. `secret`, when given, appears in every text it returns; `seen.lists` counts resources/list requests.
 */
export function featureServer(
  name: string,
  scheme: string,
  secret = '',
  seen: { lists: number } = { lists: 0 },
): () => Server {
  return () => {
    const mcp = new McpServer({ name, version: '1.0.0' }, { capabilities: { completions: {} } })
    mcp.registerTool(`ping_${name}`, { description: 'Answers pong.' }, () => ({
      content: [{ type: 'text', text: 'pong' }],
    }))
    for (const id of [1, 2, 3])
      mcp.registerResource(
        `doc${id}`,
        `${scheme}://doc/${id}`,
        { mimeType: 'text/plain' },
        (uri) => ({
          contents: [{ uri: uri.href, text: `doc ${id} of ${name} ${secret}` }],
        }),
      )
    mcp.registerResource(
      'note',
      new ResourceTemplate(`${scheme}://note/{id}`, {
        list: undefined,
        complete: { id: (value) => ['7', '8', `9${secret}`].filter((v) => v.startsWith(value)) },
      }),
      {},
      (uri, { id }) => ({ contents: [{ uri: uri.href, text: `note ${id} of ${name} ${secret}` }] }),
    )
    for (const prompt of ['greet', `${name}_only`])
      mcp.registerPrompt(
        prompt,
        {
          argsSchema: {
            topic: completable(z.string(), (value) =>
              ['alpha', 'beta', `gamma ${secret}`].filter((v) => v.startsWith(value)),
            ),
          },
        },
        ({ topic }) => ({
          messages: [
            {
              role: 'user',
              content: { type: 'text', text: `${prompt} of ${name}: ${topic} ${secret}` },
            },
          ],
        }),
      )
    // Two resources per page (replacing McpServer's one-page list): the gateway must follow
    // the upstream's own cursor.
    const server = mcp.server
    server.setRequestHandler(ListResourcesRequestSchema, (request) => {
      seen.lists++
      const all = [1, 2, 3].map((id) => ({
        name: `doc${id}`,
        uri: `${scheme}://doc/${id}`,
        mimeType: 'text/plain',
      }))
      const start = Number(request.params?.cursor ?? 0)
      return {
        resources: all.slice(start, start + 2),
        ...(start + 2 < all.length ? { nextCursor: String(start + 2) } : {}),
      }
    })
    // Subscriptions: `touch_<name>` announces an update of a URI to the upstream's subscriber.
    const subscribed = new Set<string>()
    server.registerCapabilities({ resources: { subscribe: true } })
    server.setRequestHandler(SubscribeRequestSchema, (request) => {
      subscribed.add(request.params.uri)
      return {}
    })
    server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      subscribed.delete(request.params.uri)
      return {}
    })
    mcp.registerTool(
      `touch_${name}`,
      { description: 'Updates a resource.', inputSchema: { uri: z.string() } },
      async ({ uri }) => {
        if (subscribed.has(uri)) await server.sendResourceUpdated({ uri })
        return { content: [{ type: 'text', text: subscribed.has(uri) ? 'sent' : 'none' }] }
      },
    )
    // `ask_<name>`: asks the client for a sampling answer while serving the call, returns it.
    mcp.registerTool(
      `ask_${name}`,
      { description: 'Asks the model.', inputSchema: { question: z.string() } },
      async ({ question }, extra) => {
        const answer = await extra.sendRequest(
          {
            method: 'sampling/createMessage',
            params: {
              messages: [
                { role: 'user', content: { type: 'text', text: `${question} ${secret}` } },
              ],
              maxTokens: 10,
            },
          },
          CreateMessageResultSchema,
        )
        const content = answer.content as { type: string; text?: string }
        return { content: [{ type: 'text', text: `model said: ${content.text}` }] }
      },
    )
    // `confirm_<name>`: asks the user (elicitation, form mode), then lists the client's roots.
    mcp.registerTool(`confirm_${name}`, { description: 'Asks the user.' }, async (extra) => {
      const answer = await extra.sendRequest(
        {
          method: 'elicitation/create',
          params: {
            message: `Confirm for ${secret}`,
            requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
          },
        },
        ElicitResultSchema,
      )
      const roots = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema)
      return {
        content: [
          {
            type: 'text',
            text: `${answer.action} ${JSON.stringify(answer.content)} ${roots.roots.length} roots`,
          },
        ],
      }
    })
    // `grow_<name>`: adds prompt `late` (McpServer sends prompts list_changed).
    mcp.registerTool(`grow_${name}`, { description: 'Adds a prompt.' }, () => {
      mcp.registerPrompt('late', {}, () => ({
        messages: [{ role: 'user', content: { type: 'text', text: `late of ${name}` } }],
      }))
      return { content: [{ type: 'text', text: 'grown' }] }
    })
    return server
  }
}

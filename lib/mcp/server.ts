// The MCP server of one principal: tools/list shows what its scopes allow, tools/call checks again and audits.
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { auditRecord } from './audit.ts';
import { bridgeTools } from './bridge-tools.ts';
import type { ToolDeps } from './deps.ts';
import type { Principal } from './principals.ts';
import type { ToolOutcome, ToolSpec } from './tool.ts';
import { failureText, ToolRefusal, toolFailure } from './tool-error.ts';
import { assertEveryAction, userflowTools } from './userflow-tools.ts';

/*
 * The SDK's low-level `Server` rather than `McpServer`: McpServer lists every enabled tool and answers a call to a
 * disabled one with a bare "disabled", whereas a principal must see only its tools and be told, on a call outside
 * its scopes, which scope is missing. Everything else (protocol, transports, versions) is the SDK's.
 */

export const SERVER_INFO = { name: 'userflow-bridge', version: '0.1.0' } as const;

export interface McpServerOptions {
  deps: ToolDeps;
  principal: Principal;
  /**
   * Asked again before each list and call, so a principal revoked while a long-lived (stdio) session runs is
   * refused from its next call on. Throws a `PrincipalError` once the token no longer holds.
   */
  recheck?: () => Promise<Principal>;
  /** `stdio` or `http`, recorded in the audit. */
  transport: string;
  /**
   * Ask the human through elicitation when the client supports it. Only where the server can send a request back
   * in the middle of a call: stdio, not stateless HTTP answering plain JSON.
   */
  elicit?: boolean;
  /** Told when an audit record could not be written (the call itself still answers). */
  onAuditError?: (error: unknown) => void;
}

export function allTools(deps: ToolDeps): ToolSpec[] {
  const tools = [...userflowTools(deps), ...bridgeTools(deps)];
  assertEveryAction(tools);
  return tools;
}

const schemaCache = new WeakMap<z.ZodType, Record<string, unknown>>();

/** Draft-07 JSON Schema from the zod schema, as the SDK's own McpServer produces it. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  let cached = schemaCache.get(schema);
  if (!cached) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
      io,
      target: 'draft-7',
      unrepresentable: 'any',
    });
    cached = rest;
    schemaCache.set(schema, cached);
  }
  return cached as Tool['inputSchema'];
}

export function toolListing(tool: ToolSpec): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input, 'input'),
    ...(tool.output ? { outputSchema: jsonSchema(tool.output, 'output') as Tool['outputSchema'] } : {}),
    annotations: { title: tool.title, ...tool.annotations },
  };
}

export function visibleTo(tool: ToolSpec, principal: Principal): boolean {
  return tool.listedFor.some((scope) => principal.scopes.includes(scope));
}

export function createMcpServer(options: McpServerOptions): Server {
  const { deps } = options;
  const current = async () => (options.recheck ? options.recheck() : options.principal);
  const tools = allTools(deps);
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions:
      'Userflow through userflow-bridge. Reads answer at once; writes are queued per user, in order, under the shared rate budget, and answer with a command id. Destructive tools answer the first call with a preview and a confirm token: show the preview to the human and only call again with confirm if they agree.',
  });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const principal = await current().catch(() => undefined);
    return { tools: principal ? tools.filter((tool) => visibleTo(tool, principal)).map(toolListing) : [] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = tools.find((t) => t.name === request.params.name);
    const actor = request.params._meta?.actor;
    const canAsk = options.elicit === true && server.getClientCapabilities()?.elicitation !== undefined;
    const meta = {
      ...(typeof actor === 'string' ? { actor } : {}),
      ...(canAsk ? { ask: (message: string) => askHuman(server, message) } : {}),
    };
    let principal: Principal;
    try {
      principal = await current();
    } catch (error) {
      return errorResult(toolFailure(error));
    }
    return callTool(
      { ...options, principal },
      tool,
      request.params.name,
      request.params.arguments ?? {},
      meta,
    );
  });
  return server;
}

async function callTool(
  options: McpServerOptions,
  tool: ToolSpec | undefined,
  name: string,
  rawArgs: Record<string, unknown>,
  meta: { actor?: string; ask?: (message: string) => Promise<'accept' | 'decline' | 'cancel'> },
): Promise<CallToolResult> {
  const { deps, principal } = options;
  const startedAt = deps.now();
  const callId = `mcp_${randomUUID()}`;
  let outcome: ToolOutcome | undefined;
  let failure: ReturnType<typeof toolFailure> | undefined;
  let subject: { userId?: string; groupId?: string } = {};
  try {
    if (!tool)
      throw new ToolRefusal(
        'unknown_tool',
        `there is no tool ${name}`,
        'call tools/list for the tools you may use',
      );
    if (!visibleTo(tool, principal)) throw missingScope(tool.name, tool.listedFor, ' or ');
    const parsed = tool.input.safeParse(rawArgs);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`);
      throw new ToolRefusal('invalid_arguments', problems.join('; '), 'fix those fields and call again');
    }
    subject = tool.subject?.(parsed.data) ?? {};
    const missing = tool.requires(parsed.data).filter((scope) => !principal.scopes.includes(scope));
    if (missing.length) throw missingScope(tool.name, missing, ' and ');
    outcome = await tool.run({ args: parsed.data, principal, callId, ...meta });
  } catch (error) {
    failure = toolFailure(error);
  }
  await audit(options, {
    callId,
    tool: name,
    principal: principal.name,
    ...(meta.actor ? { actor: meta.actor } : {}),
    args: rawArgs,
    ...(outcome?.audit.confirmation ? { confirmation: outcome.audit.confirmation } : {}),
    ...(rawArgs.confirm !== undefined && !outcome ? { confirmation: 'token_rejected' } : {}),
    outcome: outcome ? outcome.audit.outcome : failure?.code === 'missing_scope' ? 'refused' : 'error',
    ...(failure ? { reason: failureText(failure) } : {}),
    ...(outcome?.audit.commandId ? { commandId: outcome.audit.commandId } : {}),
    ...subject,
    ...(outcome?.audit.userId ? { userId: outcome.audit.userId } : {}),
    ...(outcome?.audit.groupId ? { groupId: outcome.audit.groupId } : {}),
    transport: options.transport,
    startedAt,
    latencyMs: deps.now().getTime() - startedAt.getTime(),
    retentionDays: deps.retentionDays,
  });
  if (outcome) {
    return { content: [{ type: 'text', text: outcome.summary }], structuredContent: outcome.structured };
  }
  return errorResult(failure as NonNullable<typeof failure>);
}

/** No structuredContent on errors: clients check it against the success output schema. */
function errorResult(failure: ReturnType<typeof toolFailure>): CallToolResult {
  return { content: [{ type: 'text', text: failureText(failure) }], isError: true };
}

/** A yes/no form: never used to ask for secrets, as the spec requires. */
async function askHuman(server: Server, message: string): Promise<'accept' | 'decline' | 'cancel'> {
  const result = await server.elicitInput({
    message,
    requestedSchema: {
      type: 'object',
      properties: { confirm: { type: 'boolean', title: 'Go ahead', description: 'Yes, do it' } },
      required: ['confirm'],
    },
  });
  if (result.action !== 'accept') return result.action;
  return result.content?.confirm === true ? 'accept' : 'decline';
}

function missingScope(tool: string, scopes: readonly string[], joiner: string): ToolRefusal {
  return new ToolRefusal(
    'missing_scope',
    `${tool} needs the scope ${scopes.join(joiner)}, which this principal does not have`,
    'ask an operator for a principal with that scope (userflow-bridge principals create <name> --scopes …)',
  );
}

async function audit(options: McpServerOptions, call: Parameters<typeof auditRecord>[0]): Promise<void> {
  if (!options.deps.trail) return;
  try {
    await options.deps.trail.putAttempt(auditRecord(call));
  } catch (error) {
    options.onAuditError?.(error);
  }
}

// The audit record of one tool call, in the trail's attempt shape, so `events` finds agent calls by principal.
import { expiresAt } from '../trail/capture.ts';
import type { AttemptRecord } from '../trail/types.ts';

/** Where agent calls come from, in the trail's `origin`; also how `wait` tells them from delivery attempts. */
export const MCP_ORIGIN = 'mcp';

/**
 * Like the trail's header rule: a key that names a credential loses its value. Argument values are otherwise
 * kept as webhook bodies are, since they are what was asked of Userflow.
 */
const SECRET_KEY = /authorization|cookie|api[-_]?key|token|secret|password|^confirm$/i;

export function redactArguments(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (Array.isArray(value)) return value.map((item) => redactArguments(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redactArguments(v, depth + 1),
    ]),
  );
}

export interface ToolCallAudit {
  callId: string;
  tool: string;
  principal: string;
  actor?: string;
  args: unknown;
  /** `token` when a confirmation token was used, `issued` when one was handed out. */
  confirmation?: string;
  outcome: string;
  reason?: string;
  userflowCode?: string;
  commandId?: string;
  userId?: string;
  groupId?: string;
  transport: string;
  startedAt: Date;
  latencyMs: number;
  retentionDays: number;
}

export function auditRecord(call: ToolCallAudit): AttemptRecord {
  return {
    // The queued command's id when there is one, so `events show <command id>` puts the call beside delivery.
    commandId: call.commandId ?? call.callId,
    messageId: call.callId,
    at: call.startedAt.toISOString(),
    attempt: 1,
    action: call.tool,
    latencyMs: call.latencyMs,
    outcome: call.outcome,
    ...(call.reason ? { reason: call.reason } : {}),
    ...(call.userflowCode ? { userflowCode: call.userflowCode } : {}),
    source: MCP_ORIGIN,
    ...(call.userId ? { userId: call.userId } : {}),
    ...(call.groupId ? { groupId: call.groupId } : {}),
    principal: `agent:${call.principal}`,
    origin: MCP_ORIGIN,
    request: {
      tool: call.tool,
      arguments: redactArguments(call.args),
      ...(call.actor ? { actor: call.actor } : {}),
      ...(call.confirmation ? { confirmation: call.confirmation } : {}),
      transport: call.transport,
    },
    expiresAt: expiresAt(call.startedAt, call.retentionDays),
  };
}

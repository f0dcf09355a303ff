// What one agent tool is: its name, the model-facing description, its schemas, annotations, scopes and handler.
import type * as z from 'zod';
import type { Principal } from './principals.ts';
import type { Scope } from './scopes.ts';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Every hint set explicitly: the protocol's defaults assume the worst, and clients prompt on them. */
export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
export const UPSERT: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
export const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};
/** An event POST: each call records one more event. */
export const APPEND: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

/** What a handler answers: JSON for the model's program, one line for the model to read. */
export interface ToolOutcome {
  structured: Record<string, unknown>;
  summary: string;
  /** For the audit: the command queued, the user and group it is about, how it ended. */
  audit: { outcome: string; commandId?: string; userId?: string; groupId?: string; confirmation?: string };
}

export interface ToolCall<Args> {
  args: Args;
  principal: Principal;
  /** The `_meta.actor` the client named (the human an agent works for), if any. */
  actor?: string;
  /** A fresh id for this call: the event id of a queued command, the audit record's id otherwise. */
  callId: string;
  /**
   * Asks the human through the client (MCP elicitation), when the client supports it and the transport can carry
   * a request back to it. Answers `accept` only when the human said yes.
   */
  ask?: (message: string) => Promise<'accept' | 'decline' | 'cancel'>;
}

export interface ToolSpec<Input extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output?: z.ZodType;
  annotations: ToolAnnotations;
  /** Listed when the principal holds any of these. */
  listedFor: readonly Scope[];
  /** The scopes this exact call needs (some depend on the arguments, e.g. memberships in a user upsert). */
  requires(args: z.output<Input>): readonly Scope[];
  /** Arguments that name the user or group, for the audit. */
  subject?(args: z.output<Input>): { userId?: string; groupId?: string };
  run(call: ToolCall<z.output<Input>>): Promise<ToolOutcome>;
}

/** Erases the input type so specs of different inputs sit in one list. */
export function defineTool<Input extends z.ZodType>(spec: ToolSpec<Input>): ToolSpec {
  return spec as unknown as ToolSpec;
}

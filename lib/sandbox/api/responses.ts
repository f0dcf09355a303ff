// Response helpers shared by the write handlers: delete bodies, write statuses and attribute options.

import { notFound } from '../api-error.ts';
import type { AttributeOptions } from '../attributes.ts';
import { type SandboxFlags, STRICT_NAME } from '../flags.ts';
import type { ApiContext, ApiResponse } from './context.ts';

/** A delete: `{id, object, deleted: true}` (200) or 204, and the flag's answer when it was already gone. */
export function deletedResponse(
  ctx: ApiContext,
  existed: boolean,
  kind: string,
  fields: Record<string, unknown>,
): ApiResponse {
  const { flags } = ctx;
  if (!existed && flags.deleteMissing === '404') {
    const id = String(fields.id ?? `${fields.user_id}/${fields.group_id}`);
    throw notFound(flags.errorCodes.notFound, kind, id);
  }
  if (flags.deleteResponse === 'empty') return { status: 204 };
  return { status: 200, body: { ...fields, deleted: true } };
}

export function writeResponse(ctx: ApiContext, body: unknown): ApiResponse {
  return { status: ctx.flags.writeStatus, body };
}

export function attributeOptions(
  flags: SandboxFlags,
  param: string,
  allowed: AttributeOptions['allowed'] = 'all',
): AttributeOptions {
  return {
    nullClears: flags.nullClears,
    inferDatetime: flags.inferDatetime,
    listOpsDedupe: flags.listOpsDedupe,
    allowed,
    param,
    ...(flags.nameCharacters === 'strict' ? { namePattern: STRICT_NAME } : {}),
  };
}

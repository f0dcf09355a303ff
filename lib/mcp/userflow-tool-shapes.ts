// What the Userflow agent tools share: read access, the answer shape, and the write inputs described for a model
// (the client's own zod bodies with descriptions added, so the schema has one source).
import * as z from 'zod';
import { createOrUpdateGroupBody, createOrUpdateUserBody, trackEventBody } from '../userflow/bodies.ts';
import type { ToolDeps } from './deps.ts';
import type { Scope } from './scopes.ts';
import { READ, type ToolOutcome } from './tool.ts';
import { ToolRefusal } from './tool-error.ts';
import { confirmField, waitField } from './write-result.ts';

export const read = (scope: Scope = 'userflow:read') => ({
  annotations: READ,
  listedFor: [scope],
  requires: () => [scope],
});

export function answer(result: object, summary: string): ToolOutcome {
  return { structured: result as Record<string, unknown>, summary, audit: { outcome: 'ok' } };
}

export function listSummary(what: string, page: { data: unknown[]; has_more: boolean }): string {
  const more = page.has_more ? '; more pages: pass the last id as starting_after' : '';
  return `${page.data.length} ${what}${more}`;
}

/** Fields of the loose Userflow bodies the queued command cannot carry: refused, rather than silently dropped. */
export function refuseExtra(args: Record<string, unknown>, allowed: readonly string[], hint: string): void {
  const extra = Object.keys(args).filter((key) => !allowed.includes(key));
  if (extra.length) {
    throw new ToolRefusal(
      'unsupported_field',
      `${extra.join(', ')} cannot be sent through the bridge queue`,
      hint,
    );
  }
}

export const userShape = createOrUpdateUserBody.shape;
export const upsertUserInput = createOrUpdateUserBody.safeExtend({
  id: userShape.id.describe('The user id in your product, e.g. "usr_7f3a2c91". Creates the user if new.'),
  attributes: userShape.attributes.describe(
    'Attributes to merge, e.g. {"plan":"pro","email":"ada@example.com"}. A value may be a change such as {"add":1} or {"set_once":"2026-01-01T00:00:00Z"}; null clears it. Unlisted attributes stay as they are.',
  ),
  groups: userShape.groups.describe(
    'Groups (companies, teams) to make the user a member of, e.g. [{"id":"paid"}]; each group is created if new. Existing memberships stay: remove one with userflow_remove_membership.',
  ),
  memberships: userShape.memberships.describe(
    'Like groups, with attributes on the membership itself, e.g. [{"group":{"id":"acme"},"attributes":{"role":"admin"}}]. Give groups or memberships, not both.',
  ),
  wait: waitField,
});

export const groupShape = createOrUpdateGroupBody.shape;
export const upsertGroupInput = createOrUpdateGroupBody.safeExtend({
  id: groupShape.id.describe('The group id in your product, e.g. "acme". Creates the group if new.'),
  attributes: groupShape.attributes.describe('Attributes to merge, e.g. {"name":"Acme","seats":12}.'),
  wait: waitField,
});

export const eventShape = trackEventBody.shape;
export const trackEventInput = trackEventBody.safeExtend({
  name: eventShape.name.describe('The event name in snake case, e.g. "subscription_started".'),
  user_id: eventShape.user_id.describe('The user who did it. Give user_id, group_id or both.'),
  group_id: eventShape.group_id.describe('The group it happened in (or to).'),
  attributes: eventShape.attributes.describe('Event attributes, e.g. {"plan":"pro"}.'),
  time: eventShape.time.describe('When it happened, ISO 8601 with offset; default now.'),
  wait: waitField,
});

export const removeMembershipInput = z.strictObject({
  user_id: z.string().min(1).describe('The member, e.g. "usr_7f3a2c91".'),
  group_id: z.string().min(1).describe('The group to take them out of, e.g. "trial".'),
  confirm: confirmField,
  wait: waitField,
});

export const deleteInput = (what: string, example: string) =>
  z.strictObject({
    id: z.string().min(1).describe(`The ${what} id, e.g. "${example}".`),
    confirm: confirmField,
    wait: waitField,
  });

/** The user's attributes and memberships: what a delete or a membership removal would take away. */
export async function userPreview(deps: ToolDeps, id: string) {
  const found = await deps.userflow.getUser(id, { expand: ['memberships'] });
  const memberships = (found.memberships ?? []).map((m) => m.group_id ?? m.group?.id).filter(Boolean);
  return { user: { id: found.id, attributes: found.attributes }, memberships };
}

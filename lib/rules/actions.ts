// Turns the `do` actions of a rule into command builders: templates compiled once, commands built per event.
import { type Command, command } from '../commands/index.ts';
import { ACTIONS, type ActionKind } from './action-schema.ts';
import { isPlainObject } from './json.ts';
import type { Report } from './report.ts';
import {
  attributeMap,
  compileTemplate,
  describe,
  type Evaluated,
  type EvaluationContext,
  evaluateTemplate,
  required,
  Skip,
  type Template,
} from './template.ts';

export interface CompiledAction {
  kind: ActionKind;
  /**
   * Builds the command for one event, or returns a `Skip` with the reason. Attributes that evaluate to nothing are
   * left out, unless `strict` (the rule's `strict: true`), when they skip the command like any other field.
   */
  build(context: EvaluationContext, strict?: boolean): Promise<Command | Skip>;
}

interface Lookup {
  attribute: string;
  value: Template;
  ifMissing: unknown;
}

const ATTRIBUTE_FIELDS = new Set(['attributes', 'group_attributes', 'membership_attributes']);

/**
 * Compiles one raw action (`{ upsert_user: {...} }`). Structure is the schema's job; this reports what only a
 * compiler sees (JSONata syntax) and returns undefined for actions the schema will reject anyway.
 */
export function compileAction(raw: unknown, at: string, report: Report): CompiledAction | undefined {
  if (!isPlainObject(raw) || Object.keys(raw).length !== 1) return undefined;
  const [[kind, body]] = Object.entries(raw) as [[string, unknown]];
  if (!ACTIONS.includes(kind as ActionKind) || !isPlainObject(body)) return undefined;
  const where = `${at}.${kind}`;
  let userId: Template | undefined;
  let lookup: Lookup | undefined;
  const fields: [string, Template][] = [];
  for (const [key, value] of Object.entries(body)) {
    const fieldAt = `${where}.${key}`;
    if (key === 'user_id') userId = compileTemplate(value, fieldAt, report);
    else if (key === 'user_lookup' && isPlainObject(value)) {
      lookup = {
        attribute: String(value.attribute),
        value: compileTemplate(value.value, `${fieldAt}.value`, report),
        ifMissing: value.if_missing,
      };
    } else {
      const template = compileTemplate(value, fieldAt, report);
      if (ATTRIBUTE_FIELDS.has(key) && template.kind === 'literal') {
        report(fieldAt, 'must be a map of attributes or one "{% expression %}" that yields one');
      }
      fields.push([key, template]);
    }
  }
  return {
    kind: kind as ActionKind,
    async build(context, strict = false) {
      const user = await resolveUser(userId, lookup, context);
      if (user instanceof Skip) return user;
      const built: Record<string, unknown> = { type: kind, ...user };
      for (const [key, template] of fields) {
        const value = await resolveField(key, template, context, strict);
        if (value instanceof Skip) return value;
        built[key] = value;
      }
      const parsed = command.safeParse(built);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? `.${issue.path.join('.')}` : '';
      return new Skip(`${where}${field}: ${issue?.message ?? 'invalid command'}`);
    },
  };
}

async function resolveField(
  key: string,
  template: Template,
  context: EvaluationContext,
  strict: boolean,
): Promise<Evaluated> {
  const value = ATTRIBUTE_FIELDS.has(key)
    ? await attributeMap(template, context, strict)
    : await required(template, context);
  if (value instanceof Skip) return value;
  if (key === 'group_id') return idOrSkip(value, template);
  if (ATTRIBUTE_FIELDS.has(key) && !isPlainObject(value)) {
    return new Skip(`${template.at}: ${describe(template)} must yield an object of attributes`);
  }
  if ((key === 'groups' || key === 'memberships') && Array.isArray(value)) return value.map(groupIdsToText);
  return value;
}

/** The user as an id, else as a lookup: `user_id` wins when it evaluates to a usable id. */
async function resolveUser(
  userId: Template | undefined,
  lookup: Lookup | undefined,
  context: EvaluationContext,
): Promise<Record<string, unknown> | Skip> {
  if (userId) {
    const id = asId(await evaluateTemplate(userId, context), userId);
    if (id instanceof Skip) return id;
    if (id !== undefined) return { user_id: id };
    if (!lookup) return new Skip(`${userId.at}: ${describe(userId)} evaluated to nothing`);
  }
  if (!lookup) return {};
  const raw = await evaluateTemplate(lookup.value, context);
  const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : asId(raw, lookup.value);
  if (value instanceof Skip) return value;
  if (value === undefined) {
    const tried = userId ? `${userId.at} and ${lookup.value.at}` : lookup.value.at;
    return new Skip(`${tried}: evaluated to nothing`);
  }
  const found: Record<string, unknown> = { attribute: lookup.attribute, value };
  if (lookup.ifMissing !== undefined) found.if_missing = lookup.ifMissing;
  return { user_lookup: found };
}

/** Ids are strings; numbers (HubSpot object ids) become strings; null and "" count as nothing. */
function asId(value: unknown, template: Template): string | undefined | Skip {
  if (value instanceof Skip) return value;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return new Skip(`${template.at}: ${describe(template)} must be a string or number, got ${kindOf(value)}`);
}

function idOrSkip(value: unknown, template: Template): string | Skip {
  const id = asId(value, template);
  if (id === undefined) return new Skip(`${template.at}: ${describe(template)} evaluated to nothing`);
  return id;
}

function groupIdsToText(entry: unknown): unknown {
  if (!isPlainObject(entry)) return entry;
  const copy = { ...entry };
  if (typeof copy.id === 'number') copy.id = String(copy.id);
  if (isPlainObject(copy.group) && typeof copy.group.id === 'number') {
    copy.group = { ...copy.group, id: String(copy.group.id) };
  }
  return copy;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'an object';
  return typeof value;
}

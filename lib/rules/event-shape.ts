// Reads a source's `event` block: splits a body into sender events, each with its id, type and payload.
import { EventShapeError } from './errors.ts';
import type { EventConfig, Location } from './file-schema.ts';
import { isPlainObject, ownValue } from './json.ts';
import type { SenderEvent } from './types.ts';

const MAX_ID_LENGTH = 256;

type Reader = (item: unknown, headers: Record<string, string>) => unknown;

function reader(location: Location): Reader {
  if (typeof location === 'object' && 'header' in location) {
    const name = location.header.toLowerCase();
    return (_item, headers) => header(headers, name);
  }
  const path = (typeof location === 'string' ? location : location.path).split('.');
  return (item) => path.reduce<unknown>((value, key) => ownValue(value, key), item);
}

/** Headers arrive lower-cased (WebhookRequest contract); fall back to a case-insensitive scan for other callers. */
function header(headers: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(headers, name)) return headers[name];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function describeLocation(location: Location): string {
  if (typeof location === 'string') return `body path "${location}"`;
  return 'header' in location ? `header "${location.header}"` : `body path "${location.path}"`;
}

export function compileSplitter(
  source: string,
  config: EventConfig,
): (body: unknown, headers: Record<string, string>) => SenderEvent[] {
  const readId = reader(config.id);
  const readType = config.type ? reader(config.type) : undefined;
  const idWhere = describeLocation(config.id);
  const orderPath = config.order_by?.split('.');

  const toEvent = (item: unknown, headers: Record<string, string>, where: string): SenderEvent => {
    const rawId = readId(item, headers);
    const id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
    if (typeof id !== 'string' || id === '') {
      throw new EventShapeError(`${source}: ${where}has no event id (${idWhere})`);
    }
    if (id.length > MAX_ID_LENGTH) {
      throw new EventShapeError(`${source}: ${where}event id is longer than ${MAX_ID_LENGTH} characters`);
    }
    const rawType = readType?.(item, headers);
    const type = typeof rawType === 'string' || typeof rawType === 'number' ? String(rawType) : undefined;
    return type === undefined ? { id, payload: item } : { id, type, payload: item };
  };

  if (!config.batch) {
    return (body, headers) => {
      if (!isPlainObject(body))
        throw new EventShapeError(`${source}: expected a JSON object, got ${kind(body)}`);
      return [toEvent(body, headers, '')];
    };
  }
  return (body, headers) => {
    if (!Array.isArray(body))
      throw new EventShapeError(`${source}: expected a JSON array of events, got ${kind(body)}`);
    const events = body.map((item, index) => {
      if (!isPlainObject(item)) {
        throw new EventShapeError(`${source}: batch item ${index} is ${kind(item)}, not an object`);
      }
      return toEvent(item, headers, `batch item ${index} `);
    });
    return orderPath ? stableSortBy(events, orderPath) : events;
  };
}

/** Ascending by the value at `path` (numbers or strings); items without one keep their place after the rest. */
function stableSortBy(events: SenderEvent[], path: string[]): SenderEvent[] {
  const keyed = events.map((event, position) => ({
    event,
    position,
    key: path.reduce<unknown>((value, key) => ownValue(value, key), event.payload),
  }));
  const rank = (key: unknown) => (typeof key === 'number' || typeof key === 'string' ? 0 : 1);
  keyed.sort((a, b) => {
    const byPresence = rank(a.key) - rank(b.key);
    if (byPresence !== 0 || rank(a.key) === 1) return byPresence || a.position - b.position;
    const [x, y] = [a.key as number | string, b.key as number | string];
    if (x === y || typeof x !== typeof y) return a.position - b.position;
    return x < y ? -1 : 1;
  });
  return keyed.map((entry) => entry.event);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

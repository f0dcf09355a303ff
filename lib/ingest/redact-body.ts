// What the trail stores of a body, under the rule file's `trail:` settings: the text with the named paths
// redacted, or only its size and digest. Pure, so the tests check exactly what ingest stores.
import type { TrailSettings } from '../rules/types.ts';
import { captureBody } from '../trail/capture.ts';
import type { TrailBody } from '../trail/types.ts';

export const REDACTED = '[redacted]';

const STORE_ALL: TrailSettings = { redact: [], storeBody: true };

export function trailBody(
  raw: Uint8Array,
  limitBytes: number,
  settings: TrailSettings = STORE_ALL,
  text?: string,
): TrailBody {
  const body = captureBody(raw, {
    limitBytes,
    storeBody: settings.storeBody,
    ...(text === undefined ? {} : { text }),
  });
  if (!body.stored || settings.redact.length === 0) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    // A body that is not JSON cannot have its paths redacted, so none of it is kept: the file asked for privacy.
    return captureBody(raw, { limitBytes, storeBody: false });
  }
  // A batch body's paths are per item, as the rule file's other body paths are.
  const roots = Array.isArray(parsed) ? parsed : [parsed];
  for (const root of roots) for (const path of settings.redact) redactAt(root, path, 0);
  return { ...body, text: JSON.stringify(parsed) };
}

/**
 * Replaces the value at `path` in place. `*` matches every key or item; an array met on the way is walked item
 * by item (a path through `items` reaches each item's field): redacting too much is safe, too little is not.
 */
function redactAt(node: unknown, path: readonly string[], depth: number): void {
  if (typeof node !== 'object' || node === null) return;
  const segment = path[depth] as string;
  const last = depth === path.length - 1;
  if (Array.isArray(node) && segment !== '*' && !/^\d+$/.test(segment)) {
    for (const item of node) redactAt(item, path, depth);
    return;
  }
  const record = node as Record<string, unknown>;
  const keys = segment === '*' ? Object.keys(record) : Object.hasOwn(record, segment) ? [segment] : [];
  for (const key of keys) {
    if (last) record[key] = REDACTED;
    else redactAt(record[key], path, depth + 1);
  }
}

// The rules playground's core: a payload through one source's rules, explained as `rules test` explains it.
import type { Envelope } from '../commands/index.ts';
import { eventIdHeader, traceLine } from '../rules/explain.ts';
import { type CompiledSource, EventShapeError } from '../rules/index.ts';

export interface PlaygroundEvent {
  id: string;
  type?: string;
  lines: string[];
}

export type PlaygroundResult =
  | { ok: true; envelopes: Envelope[]; events: PlaygroundEvent[]; notes: string[] }
  | { ok: false; error: string };

export async function runPlayground(
  source: CompiledSource,
  payloadText: string,
  receivedAt: Date,
): Promise<PlaygroundResult> {
  let body: unknown;
  try {
    body = JSON.parse(payloadText);
  } catch (error) {
    return { ok: false, error: `The payload is not valid JSON: ${(error as Error).message}` };
  }
  const headers: Record<string, string> = {};
  const notes: string[] = [];
  // As `rules test`: a source that reads its event id from a header gets a stand-in one.
  const header = eventIdHeader(source);
  if (header) {
    headers[header] = 'rules-test';
    notes.push(`no ${header} header given; using "rules-test"`);
  }
  let split: ReturnType<CompiledSource['splitEvents']>;
  try {
    split = source.splitEvents(body, headers);
  } catch (error) {
    if (error instanceof EventShapeError) return { ok: false, error: error.message };
    throw error;
  }
  const envelopes: Envelope[] = [];
  const events: PlaygroundEvent[] = [];
  for (const event of split) {
    const { envelopes: produced, trace } = await source.evaluate(event, receivedAt, { explain: true });
    envelopes.push(...produced);
    events.push({ id: event.id, ...(event.type ? { type: event.type } : {}), lines: trace.map(traceLine) });
  }
  return { ok: true, envelopes, events, notes };
}

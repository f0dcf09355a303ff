// The raw body as JSON: strict UTF-8, and errors that never quote the body (parser messages do).
import { IngestError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(rawBody: Uint8Array): unknown {
  return parseJsonText(decodeBody(rawBody));
}

/** The body as text, refused unless it is UTF-8. */
export function decodeBody(rawBody: Uint8Array): string {
  try {
    return utf8.decode(rawBody);
  } catch {
    throw new IngestError('malformed_json', 'the body is not valid UTF-8');
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new IngestError('malformed_json', 'the body is not valid JSON');
  }
}

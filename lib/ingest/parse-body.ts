// The raw body as JSON: strict UTF-8, and errors that never quote the body (parser messages do).
import { IngestError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(rawBody: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw new IngestError('malformed_json', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new IngestError('malformed_json', 'the body is not valid JSON');
  }
}

// A queue message body → the shared envelope, or a permanent `invalid_envelope` error naming what is wrong.
import { type Envelope, envelope as envelopeSchema } from '../commands/index.ts';
import { DeliveryError } from './errors.ts';

export type ParsedEnvelope = { ok: true; envelope: Envelope } | { ok: false; error: DeliveryError };

export function parseEnvelope(body: string): ParsedEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: new DeliveryError('invalid_envelope', 'the message body is not JSON') };
  }
  const result = envelopeSchema.safeParse(json);
  if (result.success) return { ok: true, envelope: result.data };
  // Paths and messages only: values may be personal data.
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return {
    ok: false,
    error: new DeliveryError('invalid_envelope', `the message is not a valid envelope: ${problems}`),
  };
}

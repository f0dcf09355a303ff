// The rules engine's public types: what ingest hands in (a sender event) and what it gets back (envelopes + trace).
import type { Envelope } from '../commands/index.ts';
import type { VerifyConfig } from '../sources/verify-config.ts';
import type { EventConfig } from './file-schema.ts';

/** One event as the sender sent it: a whole body, or one item of a batch body. */
export interface SenderEvent {
  /** The sender's event id (Stripe `evt_…`, HubSpot `eventId`, Standard Webhooks `webhook-id`). */
  id: string;
  type?: string;
  payload: unknown;
}

/** Why a rule did or did not produce commands for one event. */
export interface RuleTrace {
  rule: string;
  matched: boolean;
  /** Set when the rule matched but skipped the event, or (in explain mode) why it did not match. */
  reason?: string;
  commands: number;
  /** The actions (by index in `do`) that were skipped while the rule's other commands went out, each with why. */
  skipped?: { action: number; reason: string }[];
}

export interface Evaluation {
  envelopes: Envelope[];
  trace: RuleTrace[];
}

export interface EvaluateOptions {
  /**
   * Trace every rule, with the reason each one did not match. Off by default: then the trace holds only the
   * rules that matched (with their commands or their skip reason), so its cost does not grow with the rules.
   */
  explain?: boolean;
}

export interface RuleSummary {
  name: string;
  description?: string;
  enabled: boolean;
}

/** A rule file's `trail:` settings, compiled: what the event trail may keep of a request's body. */
export interface TrailSettings {
  /** Paths (split on ".") whose values are replaced before the body is stored; "*" matches any key or item. */
  redact: readonly (readonly string[])[];
  storeBody: boolean;
}

export interface CompiledSource {
  name: string;
  verify: VerifyConfig;
  /** Where the event id and type are, and whether the body is a batch. */
  event: EventConfig;
  /** The rule file this source came from. */
  file: string;
  /** The `samples:` folder named in the rule file, as written (relative to the file). */
  samples?: string;
  rules: readonly RuleSummary[];
  /** The rule file's `trail:` settings (everything stored, nothing redacted, when it has none). */
  trail: TrailSettings;
  /** The events of a parsed body (one, or one per batch item). Throws `EventShapeError` (400). */
  splitEvents(body: unknown, headers: Record<string, string>): SenderEvent[];
  /** The commands the matching rules produce, in rule order then action order. Never throws for bad data. */
  evaluate(event: SenderEvent, receivedAt: Date, options?: EvaluateOptions): Promise<Evaluation>;
}

export interface RuleSet {
  sources: ReadonlyMap<string, CompiledSource>;
  get(source: string): CompiledSource | undefined;
}

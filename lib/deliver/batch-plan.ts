// Which records of one batch a single Userflow call delivers together. Records of one message group arrive in
// order; consecutive upserts of one target among them become one call (coalesce.ts decides when that leaves
// Userflow in exactly the same state). The first record of such a run leads: it sends the merged command, and the
// records it carries settle as its call did, without a call of their own.
import type { SQSRecord } from 'aws-lambda';
import type { Command, Envelope } from '../commands/index.ts';
import { planCalls } from './coalesce.ts';
import type { ExecutionResult } from './executor.ts';
import type { ParsedEnvelope } from './parse-envelope.ts';

export interface LeadCall {
  /** What the leading record sends instead of its own command. */
  command: Command;
  /** The records this call delivers besides the leader's, in order. */
  carries: readonly { messageId: string; commandId: string }[];
}

/** How a leader's call went, for the records it carries. */
export interface CarriedOutcome {
  result: ExecutionResult;
  /** The leader's command id: the carried records' audit names the call that delivered them. */
  commandId: string;
  /** The user the leader's lookup resolved to. */
  userId: string | undefined;
}

export class BatchPlan {
  readonly #leads = new Map<string, LeadCall>();
  /** Carried record → its leader's message id. */
  readonly #leaders = new Map<string, string>();
  readonly #outcomes = new Map<string, CarriedOutcome>();

  /** The plan for `records` (a batch, in the order the queue gave it), parsed with the batch's own `parse`. */
  static of(records: readonly SQSRecord[], parse: (record: SQSRecord) => ParsedEnvelope): BatchPlan {
    const plan = new BatchPlan();
    for (const run of runsByGroup(records, parse)) plan.#add(run);
    return plan;
  }

  /** The merged call `messageId` leads, if it leads one. */
  lead(messageId: string): LeadCall | undefined {
    return this.#leads.get(messageId);
  }

  /**
   * The leader's call refused the merged command: nothing says which command Userflow objected to, so the
   * leader retries its own command alone and each carried record makes its own call, as without coalescing.
   */
  split(leaderId: string): void {
    for (const carried of this.#leads.get(leaderId)?.carries ?? []) this.#leaders.delete(carried.messageId);
    this.#leads.delete(leaderId);
  }

  /** The leader's call succeeded (or skipped): its carried records settle the same way. */
  settled(leaderId: string, outcome: CarriedOutcome): void {
    this.#outcomes.set(leaderId, outcome);
  }

  /**
   * How the call that carries `messageId` went; undefined when the record makes its own call (it leads, stands
   * alone, or its leader's merged call was split). A leader that failed never gets here: the batch processor
   * skips the rest of a failed record's group.
   */
  carriedBy(messageId: string): CarriedOutcome | undefined {
    const leader = this.#leaders.get(messageId);
    return leader === undefined ? undefined : this.#outcomes.get(leader);
  }

  #add(run: readonly Parsed[]): void {
    for (const call of planCalls(run.map((r) => r.envelope.command))) {
      const [first, ...rest] = call.covers.map((at) => run[at] as Parsed);
      if (!first || rest.length === 0) continue;
      const carries = rest.map(({ record, envelope }) => ({
        messageId: record.messageId,
        commandId: envelope.id,
      }));
      this.#leads.set(first.record.messageId, { command: call.command, carries });
      for (const { messageId } of carries) this.#leaders.set(messageId, first.record.messageId);
    }
  }
}

interface Parsed {
  record: SQSRecord;
  envelope: Envelope;
}

/**
 * Each message group's records in order, cut into runs of parsed commands: a record that does not parse stands
 * between its neighbours (it is dead-lettered on its own, and nothing may be merged across it).
 */
function runsByGroup(
  records: readonly SQSRecord[],
  parse: (record: SQSRecord) => ParsedEnvelope,
): Parsed[][] {
  const open = new Map<string, Parsed[]>();
  const runs: Parsed[][] = [];
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    const parsed = parse(record);
    if (!parsed.ok) {
      open.delete(group);
      continue;
    }
    let run = open.get(group);
    if (!run) {
      run = [];
      open.set(group, run);
      runs.push(run);
    }
    run.push({ record, envelope: parsed.envelope });
  }
  return runs;
}

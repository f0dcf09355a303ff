// The trail's DynamoDB key layout: which items a record becomes and which key each lookup reads. Pure (no SDK),
// so the CDK stack builds the table from the same schema the store writes to, and the tests pin the keys.
//
// One table, partition key `pk`, sort key `sk` (both S), TTL attribute `expiresAt` (epoch seconds), on-demand.
// `<at>` is an ISO 8601 instant normalised to `toISOString()`, so keys sort in time order.
//
//   item                 pk                   sk                         gsi1 (feed)      gsi2              gsi3             gsi4
//   intake record        REQ#<requestId>      INTAKE                     FEED#INTAKE      SRC#<source>      OUT#<outcome>    -
//   intake pointer       EVT#<sender id>      <at>#<requestId>           -                -                 -                -
//                        CMD#<command id>     (same)
//                        USR#<user id>        (same)
//                        GRP#<group id>       (same)
//   attempt              ATT#<commandId>      <at>#<attempt>#<unique>    FEED#ATTEMPT     ATT#USR#<user>    ATT#GRP#<group>  ATT#PRN#<principal>
//   sync run             RUN#<runId>          RUN                        FEED#RUN         RUN#NAME#<name>   -                -
//   used confirmation    CFM#<token digest>   CLAIM                      -                -                 -                -
//
// Every GSI sort key (gsiNsk) is the item's `<at>#…` (receivedAt / at / startedAt), so each listing is one Query,
// newest first (ScanIndexForward false), with `since` as a key condition. So:
//   by request id        GetItem REQ#<id>
//   by event / command   Query EVT#<id> / CMD#<id>, newest first, Limit 1 — then GetItem of the record it names
//   by user / group      Query USR#<id> / GRP#<id>, newest first — then BatchGetItem of the records
//   by source / outcome  Query gsi2 SRC#<source> / gsi3 OUT#<outcome> — then BatchGetItem of the records
//   newest intakes       Query gsi1 FEED#INTAKE — then BatchGetItem
//   attempts by command  Query ATT#<commandId> (oldest first)
//   attempts by user / group / principal   Query gsi2 / gsi3 / gsi4, newest first; all attempts: gsi1 FEED#ATTEMPT
//   sync runs (by name)  Query gsi1 FEED#RUN (gsi2 RUN#NAME#<name>), newest first
//   claim a confirmation PutItem CFM#<digest> if it does not exist (a conditional write: one claim wins)
//
// Why intakes are fetched by key after the Query: an intake carries its body (up to 256 KiB). The GSIs project only
// the small attributes (INCLUDE, below), not `intake`, so a large body is written once instead of once per index,
// and the FEED#INTAKE partition stays far below a GSI partition's write limit. Attempts and runs are small, so
// their JSON is projected and their listings need no second read. A missing optional value (no user id) leaves
// that GSI key unset, so the item is simply not in that index (sparse indexes).
import { createHash } from 'node:crypto';
import { BridgeError } from '../errors.ts';
import type { AttemptRecord, IntakeRecord, SyncRunRecord } from './types.ts';

export const TRAIL_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
  /** Non-key attributes every GSI carries: enough to filter and to find the record, never an intake's body. */
  projectedAttributes: ['kind', 'requestId', 'source', 'outcome', 'attempt', 'run'],
} as const;

export type IndexName = (typeof TRAIL_TABLE_SCHEMA.indexes)[number]['name'];

/** DynamoDB's item limit is 400 KB, attribute names included; the margin covers the keys and small attributes. */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
const ITEM_MARGIN_BYTES = 4 * 1024;
export const MAX_RECORD_JSON_BYTES = DYNAMODB_ITEM_LIMIT_BYTES - ITEM_MARGIN_BYTES;

export type Item = Record<string, string | number>;
export type RecordKind = 'intake' | 'intake_key' | 'attempt' | 'run' | 'confirmation';

export const INTAKE_SK = 'INTAKE';
export const RUN_SK = 'RUN';
export const FEED = { intake: 'FEED#INTAKE', attempt: 'FEED#ATTEMPT', run: 'FEED#RUN' } as const;

/**
 * A key part from an id a sender chose. Partition keys may hold 2048 bytes and sort keys 1024; an id longer than
 * this is replaced by its digest (writes and lookups alike), so an odd id can never make a write fail.
 */
export function keyPart(value: string): string {
  if (Buffer.byteLength(value) <= 512) return value;
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** `toISOString()` of the instant, so `…:00Z` and `…:00.000Z` sort alike; an unparseable value stays as it is. */
export function sortableTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

export const requestKey = (requestId: string) => ({ pk: `REQ#${keyPart(requestId)}`, sk: INTAKE_SK });
export const pointerPk = {
  event: (id: string) => `EVT#${keyPart(id)}`,
  command: (id: string) => `CMD#${keyPart(id)}`,
  user: (id: string) => `USR#${keyPart(id)}`,
  group: (id: string) => `GRP#${keyPart(id)}`,
};
export const indexPk = {
  intakeSource: (source: string) => `SRC#${keyPart(source)}`,
  intakeOutcome: (outcome: string) => `OUT#${keyPart(outcome)}`,
  attemptUser: (id: string) => `ATT#USR#${keyPart(id)}`,
  attemptGroup: (id: string) => `ATT#GRP#${keyPart(id)}`,
  attemptPrincipal: (p: string) => `ATT#PRN#${keyPart(p)}`,
  runName: (name: string) => `RUN#NAME#${keyPart(name)}`,
};
export const attemptPk = (commandId: string) => `ATT#${keyPart(commandId)}`;
export const runKey = (runId: string) => ({ pk: `RUN#${keyPart(runId)}`, sk: RUN_SK });

/** A used confirmation token: no record, only its key and expiry (in no index, so in no listing). */
export function confirmationItem(id: string, expiresAt: number): Item {
  return { pk: `CFM#${keyPart(id)}`, sk: 'CLAIM', kind: 'confirmation', expiresAt };
}

/** The record item of an intake and one pointer per sender event id, command, user and group (deduplicated). */
export function intakeItems(record: IntakeRecord): { main: Item; pointers: Item[] } {
  const stored = fitIntake(record);
  const at = `${sortableTime(record.receivedAt)}#${keyPart(record.requestId)}`;
  const main: Item = {
    ...requestKey(record.requestId),
    kind: 'intake',
    requestId: record.requestId,
    source: record.source,
    outcome: record.outcome,
    expiresAt: record.expiresAt,
    intake: stored,
    gsi1pk: FEED.intake,
    gsi1sk: at,
    gsi2pk: indexPk.intakeSource(record.source),
    gsi2sk: at,
    gsi3pk: indexPk.intakeOutcome(record.outcome),
    gsi3sk: at,
  };
  const pks = new Set(record.eventIds.filter(Boolean).map(pointerPk.event));
  for (const event of record.events) {
    for (const command of event.commands) {
      pks.add(pointerPk.command(command.id));
      if (command.userId) pks.add(pointerPk.user(command.userId));
      if (command.groupId) pks.add(pointerPk.group(command.groupId));
    }
  }
  const pointers = [...pks].map(
    (pk): Item => ({
      pk,
      sk: at,
      kind: 'intake_key',
      requestId: record.requestId,
      source: record.source,
      outcome: record.outcome,
      expiresAt: record.expiresAt,
    }),
  );
  return { main, pointers };
}

/**
 * The intake's JSON, within the item limit. Bodies up to TRAIL_BODY_LIMIT_BYTES (256 KiB) normally fit, but JSON
 * escaping can double a body of quotes or control characters; then the body is kept as its digest, as an
 * over-limit body is. A record too large even without its body (thousands of events) cannot be stored.
 */
export function fitIntake(record: IntakeRecord): string {
  const json = JSON.stringify(record);
  if (Buffer.byteLength(json) <= MAX_RECORD_JSON_BYTES || !record.body.stored) return checked(json);
  const { body } = record;
  const digested: IntakeRecord = {
    ...record,
    body: {
      stored: false,
      size: body.size,
      sha256: createHash('sha256').update(body.text).digest('hex'),
      reason: 'too_large',
    },
  };
  return checked(JSON.stringify(digested));
}

export function attemptItem(record: AttemptRecord, unique: string): Item {
  const at = sortableTime(record.at);
  const sk = `${at}#${String(record.attempt).padStart(4, '0')}#${unique}`;
  const indexed = `${sk}#${keyPart(record.commandId)}`;
  const item: Item = {
    pk: attemptPk(record.commandId),
    sk,
    kind: 'attempt',
    expiresAt: record.expiresAt,
    attempt: fitAttempt(record),
    gsi1pk: FEED.attempt,
    gsi1sk: indexed,
  };
  if (record.userId) Object.assign(item, { gsi2pk: indexPk.attemptUser(record.userId), gsi2sk: indexed });
  if (record.groupId) Object.assign(item, { gsi3pk: indexPk.attemptGroup(record.groupId), gsi3sk: indexed });
  if (record.principal) {
    Object.assign(item, { gsi4pk: indexPk.attemptPrincipal(record.principal), gsi4sk: indexed });
  }
  return item;
}

/** A command fits an SQS message (256 KiB), so this is a guard: an oversized request is kept as its digest. */
function fitAttempt(record: AttemptRecord): string {
  const json = JSON.stringify(record);
  if (Buffer.byteLength(json) <= MAX_RECORD_JSON_BYTES || record.request === undefined) return checked(json);
  const request = JSON.stringify(record.request);
  return checked(
    JSON.stringify({
      ...record,
      request: {
        omitted: 'too_large',
        size: Buffer.byteLength(request),
        sha256: createHash('sha256').update(request).digest('hex'),
      },
    }),
  );
}

export function syncRunItem(record: SyncRunRecord): Item {
  const at = `${sortableTime(record.startedAt)}#${keyPart(record.runId)}`;
  return {
    ...runKey(record.runId),
    kind: 'run',
    expiresAt: record.expiresAt,
    run: checked(JSON.stringify(record)),
    gsi1pk: FEED.run,
    gsi1sk: at,
    gsi2pk: indexPk.runName(record.name),
    gsi2sk: at,
  };
}

/** A trail record over DynamoDB's item limit: the same write would fail again, so it is not retryable. */
export class ItemTooLargeError extends BridgeError {
  constructor(message: string) {
    super('item_too_large', message, { retryable: false, status: 413 });
  }
}

function checked(json: string): string {
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_RECORD_JSON_BYTES) {
    throw new ItemTooLargeError(
      `a trail record of ${bytes} bytes exceeds DynamoDB's ${DYNAMODB_ITEM_LIMIT_BYTES}-byte item limit`,
    );
  }
  return json;
}

/**
 * The partition-key prefixes each writer puts, for IAM `dynamodb:LeadingKeys` conditions: ingest writes intakes
 * and their pointers, delivery writes attempts, a sync run writes its run record; none may write another's items.
 */
export const TRAIL_WRITER_KEY_PREFIXES = {
  ingest: ['REQ#', 'EVT#', 'CMD#', 'USR#', 'GRP#'],
  deliver: ['ATT#'],
  sync: ['RUN#'],
  /**
   * The agent tools' audit records are attempts too (principal `agent:<name>`, origin `mcp`); CFM# marks a used
   * confirmation token.
   */
  agent: ['ATT#', 'CFM#'],
  /** A watch's note that an alerted session was completed after all (principal `watch:<name>`). */
  watch: ['ATT#'],
} as const;

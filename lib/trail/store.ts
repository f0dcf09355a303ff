// The trail's port: what ingest, delivery and the `events` CLI need of a store. SQLite locally, DynamoDB in AWS.
import type {
  AttemptQuery,
  AttemptRecord,
  IntakeQuery,
  IntakeRecord,
  SyncRunQuery,
  SyncRunRecord,
} from './types.ts';

export interface TrailStore {
  putIntake(record: IntakeRecord): Promise<void>;
  putAttempt(record: AttemptRecord): Promise<void>;
  /** Newest first. */
  listIntakes(query: IntakeQuery): Promise<IntakeRecord[]>;
  /** The intake a request id, a sender event id or a command id belongs to (the newest, for a re-sent event). */
  findIntake(id: string): Promise<IntakeRecord | undefined>;
  /** Every attempt of these commands, oldest first. */
  attemptsFor(commandIds: readonly string[]): Promise<AttemptRecord[]>;
  /** Attempts of every origin, newest first: "what did we send Userflow about Ada" in one lookup. */
  listAttempts(query: AttemptQuery): Promise<AttemptRecord[]>;
  /** Written when a run starts and again when it ends (same `runId`: the second write replaces the first). */
  putSyncRun(record: SyncRunRecord): Promise<void>;
  /** Newest first. */
  listSyncRuns(query: SyncRunQuery): Promise<SyncRunRecord[]>;
  /**
   * Marks a confirmation token (by its digest, never the token) as used: true the first time, false for every
   * later claim while it lives, however many processes race for it. Makes the agent tools' tokens single-use.
   * `expiresAt` (epoch seconds) is the token's own expiry: after it the token confirms nothing anyway.
   */
  claimConfirmation(id: string, expiresAt: number): Promise<boolean>;
  /** Drops records whose `expiresAt` has passed; returns how many. DynamoDB's TTL does this on its own. */
  purgeExpired(now: Date): Promise<number>;
  close(): void;
}

// The alert state port: which (watch, user, session) was alerted when, so each stall is announced once.

export interface AlertRecord {
  watch: string;
  user_id: string;
  session_id: string;
  /** ISO time of the last alert that got a 2xx. */
  alerted_at: string;
  alerts: number;
  /** Set once, when a run finds the session completed after an alert. */
  completed_at?: string;
}

export interface AlertState {
  get(watch: string, userId: string, sessionId: string): Promise<AlertRecord | undefined>;
  /** Called only after the receiver answered 2xx, so a failed alert is tried again by the next run. */
  put(record: AlertRecord): Promise<void>;
  /** Every record of one watch (for `watch status`). */
  list(watch?: string): Promise<AlertRecord[]>;
  /** Where an unfinished run stopped (the last session it read), for the next invocation to go on from. */
  getCursor(watch: string): Promise<string | undefined>;
  /** `undefined` clears it: the run read every session. */
  putCursor(watch: string, after: string | undefined): Promise<void>;
}

export function alertKey(watch: string, userId: string, sessionId: string): string {
  return JSON.stringify([watch, userId, sessionId]);
}

/** In memory, for tests and dry runs. */
export function memoryAlertState(): AlertState {
  const records = new Map<string, AlertRecord>();
  const cursors = new Map<string, string>();
  return {
    get: async (watch, userId, sessionId) => records.get(alertKey(watch, userId, sessionId)),
    put: async (record) => {
      records.set(alertKey(record.watch, record.user_id, record.session_id), { ...record });
    },
    list: async (watch) => [...records.values()].filter((r) => watch === undefined || r.watch === watch),
    getCursor: async (watch) => cursors.get(watch),
    putCursor: async (watch, after) => {
      if (after === undefined) cursors.delete(watch);
      else cursors.set(watch, after);
    },
  };
}

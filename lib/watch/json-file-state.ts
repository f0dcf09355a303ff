// Local alert state: one JSON file in the local dir, readable by its owner only, rewritten atomically.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AlertRecord, type AlertState, alertKey } from './state.ts';

/*
 * A JSON file rather than SQLite: a run writes a handful of records, and the file is easy to read and to reset.
 * Each put rewrites the file (write to a temp file, then rename), so a crash leaves the old or the new state,
 * never half of one. Mode 0600: it holds user ids and emails' owners.
 */
export function jsonFileAlertState(path: string): AlertState {
  let cache: Map<string, AlertRecord> | undefined;
  // Local runs have no time limit and always finish; a cursor only lives as long as the process.
  const cursors = new Map<string, string>();
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, AlertRecord>> {
    if (cache) return cache;
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '[]';
      throw error;
    });
    const records = JSON.parse(text) as AlertRecord[];
    cache = new Map(records.map((r) => [alertKey(r.watch, r.user_id, r.session_id), r]));
    return cache;
  }

  async function save(records: Map<string, AlertRecord>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify([...records.values()], null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, path);
  }

  return {
    get: async (watch, userId, sessionId) => (await load()).get(alertKey(watch, userId, sessionId)),
    put: async (record) => {
      const records = await load();
      records.set(alertKey(record.watch, record.user_id, record.session_id), { ...record });
      writing = writing.then(() => save(records));
      await writing;
    },
    list: async (watch) =>
      [...(await load()).values()].filter((r) => watch === undefined || r.watch === watch),
    getCursor: async (watch) => cursors.get(watch),
    putCursor: async (watch, after) => {
      if (after === undefined) cursors.delete(watch);
      else cursors.set(watch, after);
    },
  };
}

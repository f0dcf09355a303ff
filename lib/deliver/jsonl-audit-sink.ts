// Local audit trail: every audit record appended as one JSON line to a file (in AWS, CloudWatch Logs plays this role).
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from './audit.ts';

export function jsonlAuditSink(path: string): AuditSink & { close(): Promise<void> } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Owner only: audit records name users and commands.
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  return {
    write(record: AuditRecord) {
      stream.write(`${JSON.stringify(record)}\n`);
    },
    close() {
      return new Promise((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
    },
  };
}

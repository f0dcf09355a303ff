import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../lib/deliver/audit.ts';
import { DLQ_ATTRIBUTES, deadLetterMessage } from '../../../lib/deliver/dead-letter.ts';
import { jsonlAuditSink } from '../../../lib/deliver/jsonl-audit-sink.ts';
import { commandRecord, sqsRecordFactory } from '../../helpers/sqs-records.ts';

const record = (n: number): AuditRecord => ({
  at: '2026-01-01T00:00:00.000Z',
  messageId: `m${n}`,
  action: 'trackEvent',
  status: 200,
  latencyMs: n,
  attempt: 1,
  outcome: 'delivered',
});

describe('jsonlAuditSink', () => {
  it('appends one JSON line per record, creating the folder, and keeps earlier lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    try {
      const path = join(dir, 'nested', 'audit.jsonl');
      const first = jsonlAuditSink(path);
      first.write(record(1));
      await first.close();
      const second = jsonlAuditSink(path);
      second.write(record(2));
      second.write(record(3));
      await second.close();
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).messageId)).toEqual(['m1', 'm2', 'm3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deadLetterMessage', () => {
  const failure = {
    kind: 'permanent' as const,
    reason: 'userflow_invalid_params',
    message: 'Userflow createOrUpdateUser failed with 400 invalid_params: attributes.n: must be a number',
    status: 400,
    userflowCode: 'invalid_params',
  };

  it('keeps the body and group, and attaches the reason within SQS’s 10-attribute limit', () => {
    const source = commandRecord({ type: 'upsert_user', user_id: 'u1', attributes: { n: { add: 'x' } } });
    const envelope = JSON.parse(source.body);
    const message = deadLetterMessage(source, envelope, failure, new Date('2026-01-02T03:04:05Z'));
    expect(message.body).toBe(source.body);
    expect(message.groupId).toBe('u1');
    expect(Object.keys(message.attributes ?? {}).length).toBeLessThanOrEqual(10);
    expect(message.attributes).toEqual({
      [DLQ_ATTRIBUTES.reason]: 'userflow_invalid_params',
      [DLQ_ATTRIBUTES.error]: failure.message,
      [DLQ_ATTRIBUTES.status]: '400',
      [DLQ_ATTRIBUTES.userflowCode]: 'invalid_params',
      [DLQ_ATTRIBUTES.commandId]: envelope.id,
      [DLQ_ATTRIBUTES.source]: 'test',
      [DLQ_ATTRIBUTES.rule]: 'test-rule',
      [DLQ_ATTRIBUTES.failedAt]: '2026-01-02T03:04:05.000Z',
      [DLQ_ATTRIBUTES.receiveCount]: '1',
      [DLQ_ATTRIBUTES.messageId]: source.messageId,
    });
  });

  it('gives each dead-lettering its own dedupe id, so FIFO dedupe never drops one', () => {
    const source = sqsRecordFactory({ body: 'garbage' });
    const a = deadLetterMessage(source, undefined, failure, new Date(1_000));
    const b = deadLetterMessage(source, undefined, failure, new Date(2_000));
    expect(a.dedupeId).not.toBe(b.dedupeId);
    expect(a.dedupeId.length).toBeLessThanOrEqual(128);
  });
});

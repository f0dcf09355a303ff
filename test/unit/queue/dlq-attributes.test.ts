// Reading why a message is in the DLQ: attributes first, then the envelope in the body.
import { describe, expect, it } from 'vitest';
import { DLQ_ATTRIBUTES, readDlqReason } from '../../../lib/dlq/dlq-attributes.ts';

const envelope = JSON.stringify({
  id: 'cmd-1',
  source: 'stripe',
  rule: 'trial-converted',
  command: { type: 'track_event' },
});

describe('readDlqReason', () => {
  it('reads the attributes delivery sets', () => {
    const reason = readDlqReason(
      {
        [DLQ_ATTRIBUTES.reason]: 'userflow_not_found',
        [DLQ_ATTRIBUTES.status]: '404',
        [DLQ_ATTRIBUTES.error]: 'User not found',
        [DLQ_ATTRIBUTES.source]: 'hubspot',
      },
      envelope,
    );
    expect(reason).toMatchObject({
      reason: 'userflow_not_found',
      status: '404',
      error: 'User not found',
      source: 'hubspot',
    });
  });

  it('falls back to the envelope for source, rule, command type and id', () => {
    expect(readDlqReason({ [DLQ_ATTRIBUTES.reason]: 'invalid_params' }, envelope)).toEqual({
      reason: 'invalid_params',
      source: 'stripe',
      rule: 'trial-converted',
      commandType: 'track_event',
      commandId: 'cmd-1',
    });
  });

  it('accepts the plain attribute names', () => {
    expect(readDlqReason({ reason: 'x', error_message: 'm', userflow_status: '400' }, '')).toEqual({
      reason: 'x',
      error: 'm',
      status: '400',
    });
  });

  it('names a message dead-lettered by the redrive policy (no reason attribute) max_receive_count', () => {
    expect(readDlqReason({}, 'not json').reason).toBe('max_receive_count');
  });
});

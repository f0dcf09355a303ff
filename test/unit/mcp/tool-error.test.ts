import { describe, expect, it } from 'vitest';
import { redactArguments } from '../../../lib/mcp/audit.ts';
import { failureText, toolFailure } from '../../../lib/mcp/tool-error.ts';
import { QueueError } from '../../../lib/queue/errors.ts';
import { errorFromResponse } from '../../../lib/userflow/errors.ts';

const response = (
  status: number,
  action: 'getUser' | 'deleteGroup' | 'listUsers',
  body: object,
  headers = {},
) => errorFromResponse({ status, headers, bodyText: JSON.stringify(body), action, now: new Date() });

describe('tool failures', () => {
  it("a 404 names the object and the list tool that finds its id, with Userflow's code", () => {
    const failure = toolFailure(
      response(404, 'getUser', { error: { code: 'not_found', message: 'No such user' } }),
    );
    expect(failure).toMatchObject({ code: 'not_found', message: 'user not found', retryable: false });
    expect(failureText(failure)).toBe(
      'not_found: user not found. Hint: check the id with userflow_list_users',
    );
    expect(toolFailure(response(404, 'deleteGroup', {})).hint).toBe('check the id with userflow_list_groups');
  });

  it('throttling and queue outages are retryable and say so', () => {
    const throttled = toolFailure(response(429, 'listUsers', {}, { 'retry-after': '7' }));
    expect(throttled).toMatchObject({ retryable: true, hint: 'Userflow is throttling: try again in 7 s' });
    const queue = toolFailure(new QueueError('queue_unreachable', 'down'));
    expect(queue).toMatchObject({ code: 'queue_unreachable', retryable: true });
    expect(queue.message).toContain('nothing was queued');
  });
});

describe('audit arguments', () => {
  it('lose credentials and confirmation tokens, keep what was asked', () => {
    expect(
      redactArguments({
        id: 'u1',
        confirm: 'cfm_1.x',
        attributes: { api_key: 'k', plan: 'pro' },
        list: [{ token: 't' }],
      }),
    ).toEqual({
      id: 'u1',
      confirm: '[redacted]',
      attributes: { api_key: '[redacted]', plan: 'pro' },
      list: [{ token: '[redacted]' }],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { CONFIRM_TTL_MS, checkConfirmation, issueConfirmation } from '../../../lib/mcp/confirm.ts';

const SECRET = Buffer.alloc(32, 1);
const NOW = new Date('2026-03-01T10:00:00Z');
const INPUT = { principal: 'claude', tool: 'userflow_delete_user', args: { id: 'usr_1' } };
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('confirmation tokens', () => {
  const { token, expiresAt } = issueConfirmation(SECRET, INPUT, NOW);

  it('confirm the same principal, tool and arguments for 5 minutes, whatever the key order', () => {
    expect(expiresAt).toBe(later(CONFIRM_TTL_MS).toISOString());
    expect(checkConfirmation(SECRET, token, INPUT, later(CONFIRM_TTL_MS - 1))).toBe('ok');
    const nested = { principal: 'p', tool: 't', args: { a: 1, b: { c: 2, d: 3 } } };
    const reordered = { principal: 'p', tool: 't', args: { b: { d: 3, c: 2 }, a: 1 } };
    expect(checkConfirmation(SECRET, issueConfirmation(SECRET, nested, NOW).token, reordered, NOW)).toBe(
      'ok',
    );
  });

  it('expire after 5 minutes', () => {
    expect(checkConfirmation(SECRET, token, INPUT, later(CONFIRM_TTL_MS))).toBe('expired');
  });

  it('do not confirm other arguments, another tool, another principal or another server', () => {
    expect(checkConfirmation(SECRET, token, { ...INPUT, args: { id: 'usr_2' } }, NOW)).toBe('mismatch');
    expect(checkConfirmation(SECRET, token, { ...INPUT, tool: 'userflow_delete_group' }, NOW)).toBe(
      'mismatch',
    );
    expect(checkConfirmation(SECRET, token, { ...INPUT, principal: 'other' }, NOW)).toBe('mismatch');
    expect(checkConfirmation(Buffer.alloc(32, 2), token, INPUT, NOW)).toBe('mismatch');
  });

  it('a later expiry written into the token breaks its signature', () => {
    const [, signature] = token.split('.');
    const stretched = `cfm_${later(3_600_000).getTime()}.${signature}`;
    expect(checkConfirmation(SECRET, stretched, INPUT, later(CONFIRM_TTL_MS + 1))).toBe('mismatch');
    expect(checkConfirmation(SECRET, 'yes', INPUT, NOW)).toBe('malformed');
  });
});

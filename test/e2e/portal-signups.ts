// A stream of portal signups for the durability tests: each one queues two commands (user + company membership).
import { createSigner, type VerifyConfig } from '../../lib/sources/index.ts';
import { sandboxUser } from './support.ts';

export const PORTAL_SECRET = 'whsec_ZTJlLXBvcnRhbC1zZWNyZXQtZm9yLXRlc3Rz';
export const PORTAL_VERIFY: VerifyConfig = {
  scheme: 'standard-webhooks',
  secrets: ['PORTAL_WEBHOOK_SECRET'],
  tolerance_seconds: 300,
};

export const signupUser = (run: string, i: number) => `${run}_user_${i}`;
export const signupCompany = (run: string, i: number) => `${run}_co_${i}`;

export function signupBody(run: string, i: number): string {
  return JSON.stringify({
    type: 'user.signed_up',
    timestamp: new Date().toISOString(),
    data: {
      external_id: signupUser(run, i),
      email: `user${i}@${run}.test`,
      name: `User ${i}`,
      signup_method: 'email',
      company: { id: signupCompany(run, i), name: `Company ${i}` },
    },
  });
}

/** Posts signup `i` signed as the portal would; returns the HTTP status (0 when the bridge is gone). */
export async function postSignup(ingestUrl: string, run: string, i: number): Promise<number> {
  const body = signupBody(run, i);
  const url = `${ingestUrl}/webhooks/portal`;
  const headers = createSigner(PORTAL_VERIFY)({
    rawBody: body,
    secret: PORTAL_SECRET,
    now: new Date(),
    url,
    eventId: `msg_${run}_${i}`,
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Which of the signups have fully arrived: the user with their email and the company membership. */
export async function arrivedSignups(
  sandboxUrl: string,
  run: string,
  indexes: readonly number[],
): Promise<number[]> {
  const arrived: number[] = [];
  for (const i of indexes) {
    const user = await sandboxUser(sandboxUrl, signupUser(run, i));
    if (
      user?.attributes.email === `user${i}@${run}.test` &&
      user.memberships.some((m) => m.group_id === signupCompany(run, i))
    ) {
      arrived.push(i);
    }
  }
  return arrived;
}

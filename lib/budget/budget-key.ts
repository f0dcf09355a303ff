// One budget per Userflow environment: the API key, and where it is sent, name the record every caller leases
// from, so the sandbox and a real account (or two accounts) never share a limit. Only a digest is stored.
import { createHash } from 'node:crypto';

export function budgetKey(baseUrl: string, apiKey: string): string {
  const digest = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
  return `userflow:${digest.slice(0, 16)}`;
}

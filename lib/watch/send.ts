// Delivers one alert over HTTP: retries 429 (after `Retry-After`), 5xx and network failures; never 4xx.
import { backoffDelayMs } from '../backoff.ts';
import { parseRetryAfter } from '../userflow/errors.ts';
import type { HttpResponse, Transport } from '../userflow/transport.ts';
import { AlertDeliveryError } from './errors.ts';

export interface SendOptions {
  transport: Transport;
  sleep: (ms: number) => Promise<void>;
  /** Default 5. */
  maxAttempts?: number;
  /** Longest wait honoured for one `Retry-After`; a longer one ends the attempts (the next run retries). */
  maxRetryAfterMs?: number;
  random?: () => number;
  now?: () => Date;
  timeoutMs?: number;
}

export interface AlertRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** For messages: never the URL, which is a secret for Slack. */
  label: string;
}

/** The one rule for what a receiver's answer means. Pure. */
export function classifyAlertResponse(status: number): 'sent' | 'retry' | 'fail' {
  if (status >= 200 && status <= 299) return 'sent';
  if (status === 429 || status === 408 || status >= 500) return 'retry';
  return 'fail';
}

/** Resolves once a receiver answered 2xx; throws `AlertDeliveryError` otherwise. */
export async function sendAlert(request: AlertRequest, options: SendOptions): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  let lastStatus: number | undefined;
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let response: HttpResponse | undefined;
    try {
      response = await options.transport({
        method: 'POST',
        url: request.url,
        headers: request.headers,
        body: request.body,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
    } catch (error) {
      lastError = error;
    }
    if (response) {
      lastStatus = response.status;
      const verdict = classifyAlertResponse(response.status);
      if (verdict === 'sent') return attempt;
      if (verdict === 'fail') {
        throw new AlertDeliveryError(`${request.label}: the receiver answered ${response.status}`, {
          retryable: false,
          attempts: attempt,
          lastStatus,
        });
      }
    }
    if (attempt === maxAttempts) break;
    const seconds = response
      ? parseRetryAfter(response.headers['retry-after'], (options.now ?? (() => new Date()))())
      : undefined;
    const retryAfter = seconds === undefined ? undefined : seconds * 1000;
    if (retryAfter !== undefined && retryAfter > maxRetryAfter) break;
    // Retry-After is a floor: never back before the receiver said we may.
    await options.sleep(
      backoffDelayMs(
        attempt,
        { baseMs: 500, capMs: maxRetryAfter },
        options.random ?? Math.random,
        retryAfter,
      ),
    );
  }
  throw new AlertDeliveryError(
    `${request.label}: not delivered after ${maxAttempts} attempts (${lastStatus ?? 'no answer'}); the next run retries`,
    { retryable: true, attempts: maxAttempts, lastStatus, cause: lastError },
  );
}

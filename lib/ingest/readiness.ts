// Readiness: whether a webhook sent now could be accepted. `/healthz` only says the process answers; a full
// disk or a closed queue left it at 200 while every webhook got 503, so `/readyz` asks each dependency.
/** Resolves when the dependency can serve a request now; throws (or hangs past the timeout) when it cannot. */
export type ReadinessCheck = () => Promise<unknown> | unknown;

export type CheckState = 'ok' | 'failing' | 'timed_out';

export interface Readiness {
  ready: boolean;
  /** Per dependency; states only, never an error's text, which could name hosts or paths. */
  checks: Record<string, CheckState>;
  /** The errors of failing checks, for the log. */
  errors: Record<string, unknown>;
}

/** Well inside any load balancer's probe timeout: a hung dependency is a "no", not a hung probe. */
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

export async function checkReadiness(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs = DEFAULT_READINESS_TIMEOUT_MS,
): Promise<Readiness> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name] as ReadinessCheck, timeoutMs)));
  const readiness: Readiness = { ready: true, checks: {}, errors: {} };
  names.forEach((name, index) => {
    const result = results[index] as { state: CheckState; error?: unknown };
    readiness.checks[name] = result.state;
    if (result.state !== 'ok') {
      readiness.ready = false;
      readiness.errors[name] = result.error;
    }
  });
  return readiness;
}

async function runCheck(
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<{ state: CheckState; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<{ state: CheckState }>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'timed_out' }), timeoutMs);
  });
  const ran = (async () => {
    try {
      await check();
      return { state: 'ok' as const };
    } catch (error) {
      return { state: 'failing' as const, error };
    }
  })();
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

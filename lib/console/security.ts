// Who may use the console and which requests may change state: loopback or a token, and Origin + CSRF on POST.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const TOKEN_COOKIE = 'ufb_console';
export const CSRF_FIELD = '_csrf';

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A fresh secret, for a token nobody gave or the CSRF token of one process. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time string comparison (digests first, so unequal lengths leak nothing either). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface GuardOptions {
  token?: string;
  csrfToken: string;
}

/**
 * Without a token the console answers only requests addressed to a loopback host name: a web page elsewhere
 * that rebinds its DNS name to 127.0.0.1 still sends its own Host, and is refused. With a token, the token is
 * taken from `Authorization: Bearer`, the cookie, or once from `?token=` (then kept as an HttpOnly cookie).
 */
export function accessGuard(options: GuardOptions): MiddlewareHandler {
  return async (c, next) => {
    // The Node adapter builds the URL from Host; a Request built by hand may carry it only there.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (options.token === undefined) {
      if (!LOOPBACK_HOST.test(host)) return c.text('the console answers on a loopback address only', 403);
    } else {
      const query = c.req.query('token');
      if (query !== undefined && sameSecret(query, options.token)) {
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        c.header('set-cookie', `${TOKEN_COOKIE}=${options.token}; Path=/console; HttpOnly; SameSite=Strict`);
        return c.redirect(url.pathname + url.search, 303);
      }
      const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      const cookie = readCookie(c.req.header('cookie'), TOKEN_COOKIE);
      if (!sameSecret(bearer ?? cookie, options.token)) {
        return c.text('the console needs its token: open the URL it printed (…/console/?token=…)', 401);
      }
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const refused = await checkStateChange(c.req.raw, host, options.csrfToken);
      if (refused) return c.text(refused, 403);
    }
    await next();
    c.header('x-frame-options', 'DENY');
    c.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    );
  };
}

/** A reason to refuse, or undefined: the Origin must be this very host, and the form must carry the CSRF token. */
async function checkStateChange(
  request: Request,
  host: string,
  csrfToken: string,
): Promise<string | undefined> {
  const origin = request.headers.get('origin');
  if (!origin || !sameOrigin(origin, host)) return 'cross-origin request refused';
  const type = request.headers.get('content-type') ?? '';
  if (!/application\/x-www-form-urlencoded|multipart\/form-data/.test(type)) return 'expected a form';
  const form = await request.clone().formData();
  const given = form.get(CSRF_FIELD);
  if (typeof given !== 'string' || !sameSecret(given, csrfToken)) return 'missing or stale CSRF token';
  return undefined;
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

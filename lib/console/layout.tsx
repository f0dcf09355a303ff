/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// (The pragmas above name the JSX runtime in the file itself: tsx run from another directory finds no tsconfig.)
// The console's page frame and the small pieces every page uses: nav, badges, the CSRF field, JSON trees.
import { raw } from 'hono/html';
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { CSRF_FIELD } from './security.ts';

export const BASE = '/console';

export type Section = 'events' | 'users' | 'dead-letters' | 'playground' | 'status';

const NAV: [Section, string, string][] = [
  ['events', 'Events', `${BASE}/`],
  ['dead-letters', 'Dead letters', `${BASE}/dead-letters`],
  ['playground', 'Rules playground', `${BASE}/playground`],
  ['status', 'Status', `${BASE}/status`],
];

// The doctype keeps browsers out of quirks mode (where tables do not inherit the font size); a constant, not data.
export const Page: FC<PropsWithChildren<{ title: string; section: Section }>> = (props) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · userflow-bridge console`}</title>
        <link rel="stylesheet" href={`${BASE}/assets/console.css`} />
        <script src={`${BASE}/assets/console.js`} defer />
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header class="top">
          <strong>userflow-bridge</strong>
          <nav aria-label="Console sections">
            {NAV.map(([section, label, href]) => (
              <a href={href} aria-current={section === props.section ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <search>
            <form method="get" action={`${BASE}/users`}>
              <label>
                <span class="skip">User id</span>
                <input name="id" placeholder="user id → timeline" aria-label="User id" />
              </label>{' '}
              <button type="submit" class="secondary">
                User
              </button>
            </form>
          </search>
        </header>
        <main id="content" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  </>
);

/** Text and class both carry the outcome: colour is never the only signal. */
export const Badge: FC<{ outcome: string }> = ({ outcome }) => (
  <span class={`badge b-${outcome.replace(/[^a-z0-9_-]/gi, '')}`}>{outcome}</span>
);

export const Csrf: FC<{ token: string }> = ({ token }) => (
  <input type="hidden" name={CSRF_FIELD} value={token} />
);

export const Flash: FC<{ message?: string | undefined; error?: boolean }> = ({ message, error }) =>
  message ? (
    <p class={error ? 'error' : 'flash'} role="status">
      {message}
    </p>
  ) : null;

/** Objects and arrays as nested `<details>` (open to a depth), leaves as coloured text; all escaped by JSX. */
export const JsonTree: FC<{ value: unknown; name?: string; depth?: number }> = ({
  value,
  name,
  depth = 0,
}) => {
  const label: Child = name === undefined ? null : <span class="json-key">{`${name}: `}</span>;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>);
    const shape = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    return (
      <details class="json" open={depth < 2}>
        <summary>
          {label}
          {shape}
        </summary>
        {entries.map(([key, child]) => (
          <JsonTree value={child} name={key} depth={depth + 1} />
        ))}
      </details>
    );
  }
  const kind = typeof value === 'string' ? 'json-str' : typeof value === 'number' ? 'json-num' : 'json-lit';
  return (
    <div class="json-leaf">
      {label}
      <span class={kind}>{JSON.stringify(value)}</span>
    </div>
  );
};

export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z');
}

export function href(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return `${BASE}${path}${text ? `?${text}` : ''}`;
}

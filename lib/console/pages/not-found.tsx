/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The page for a record or path that is not there (and for a failure, with its message).
import type { FC } from 'hono/jsx';
import { href, Page } from '../layout.tsx';

export const NotFound: FC<{ what: string }> = ({ what }) => (
  <Page title="Not found" section="events">
    <h1>{what}</h1>
    <p>
      <a href={href('/', {})}>Back to events</a>
    </p>
  </Page>
);

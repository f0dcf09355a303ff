// The Hono adapter: one catch-all route that hands every request to the transport-neutral pipeline.

import { Hono } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { RawRequest, RawResponse } from './pipeline.ts';

export function createHttpApp(pipeline: (request: RawRequest) => Promise<RawResponse>): Hono {
  const app = new Hono();
  app.all('*', async (c) => {
    const url = c.req.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const response = await pipeline({
      method: c.req.method,
      url: pathStart === -1 ? '/' : url.slice(pathStart),
      header: (name) => c.req.header(name),
      text: () => c.req.text(),
    });
    if (response.body === null) return c.body(null, response.status as StatusCode, response.headers);
    return c.body(response.body, response.status as ContentfulStatusCode, response.headers);
  });
  return app;
}

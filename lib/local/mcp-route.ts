// The agent tools at /mcp on `npm start`'s webhook port: the same queue, Userflow client and rules as webhooks.
import { createMcpHttpHandler, withMcpRoute } from '../mcp/http.ts';
import type { RuleSet } from '../rules/index.ts';
import type { TrailStore } from '../trail/store.ts';
import type { UserflowClient } from '../userflow/client.ts';
import type { LocalQueues } from './local-queues.ts';
import { openLocalMcp } from './mcp-local.ts';

export interface McpRouteOptions {
  localDir: string;
  client: UserflowClient;
  queues: LocalQueues;
  rules: () => RuleSet;
  /** The bridge's own trail, so the agent tools audit into it and read it without a second connection. */
  trail?: TrailStore;
}

export async function mountMcp(options: McpRouteOptions) {
  const { queues } = options;
  const local = await openLocalMcp({
    localDir: options.localDir,
    userflow: options.client,
    queue: queues.webhooks.main,
    dlqs: { webhooks: queues.webhooks.dlq, ...(queues.sync ? { sync: queues.sync.dlq } : {}) },
    rules: options.rules,
    ...(options.trail ? { trail: options.trail } : {}),
  });
  const handler = createMcpHttpHandler({ principals: local.principals, deps: local.deps });
  return {
    route: <F extends (request: Request, ...rest: never[]) => Response | Promise<Response>>(next: F) =>
      withMcpRoute(handler, next),
    close: () => local.close(),
  };
}

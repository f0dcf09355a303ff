// `userflow-bridge mcp` over stdio: one principal (UFB_TOKEN) for the life of the process, checked on every call.
// stdout carries the protocol, so everything human goes to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readMcpConfig } from '../config/mcp.ts';
import type { Env } from '../config/read-env.ts';
import { LOCAL_QUEUE_SETTINGS, localLayout, QUEUE_NAMES, secureLocalDir } from '../local/layout.ts';
import { onLocalBudget } from '../local/local-budget.ts';
import { openLocalMcp } from '../local/mcp-local.ts';
import { authenticate } from '../mcp/principals.ts';
import { createMcpServer } from '../mcp/server.ts';
import { openSqliteQueues } from '../queue/sqlite/sqlite-queue.ts';
import type { RuleSet } from '../rules/index.ts';
import { UserflowClient } from '../userflow/client.ts';

export interface StdioOptions {
  localDir: string;
  env: Env;
  rules?: RuleSet;
  log: (line: string) => void;
}

/** Resolves when the client closes the connection (stdin ends). */
export async function runStdioServer(options: StdioOptions): Promise<void> {
  const config = readMcpConfig(options.env);
  const layout = localLayout(options.localDir);
  secureLocalDir(layout.dir);
  const queues = openSqliteQueues({
    path: layout.queueDb,
    mainName: QUEUE_NAMES.webhooks,
    dlqName: QUEUE_NAMES.webhooksDlq,
    ...LOCAL_QUEUE_SETTINGS,
  });
  const sync = openSqliteQueues({
    path: layout.queueDb,
    mainName: QUEUE_NAMES.sync,
    dlqName: QUEUE_NAMES.syncDlq,
    ...LOCAL_QUEUE_SETTINGS,
  });
  const rules = options.rules;
  // Reads draw on the budget `start` keeps, as the agent class; writes are queued and delivered under it.
  const userflow = onLocalBudget(
    new UserflowClient({
      apiKey: config.userflowApiKey,
      ...(config.userflowApiUrl ? { baseUrl: config.userflowApiUrl } : {}),
    }),
    {
      localDir: options.localDir,
      apiKey: config.userflowApiKey,
      budgetClass: 'agent',
      ...(config.rateLimitPerSecond === undefined ? {} : { ceilingPerSecond: config.rateLimitPerSecond }),
    },
  );
  const local = await openLocalMcp({
    localDir: options.localDir,
    userflow: userflow.client,
    // The live queue: agent writes are ordered with webhook commands for the same user; `npm start` delivers.
    queue: queues.main,
    dlqs: { webhooks: queues.dlq, sync: sync.dlq },
    ...(rules ? { rules: () => rules } : {}),
  });
  try {
    const recheck = () => authenticate(config.token, local.principals.findByTokenHash, new Date());
    const principal = await recheck();
    const server = createMcpServer({
      deps: local.deps,
      principal,
      recheck,
      transport: 'stdio',
      elicit: true,
      onAuditError: (error) => options.log(`audit record not written: ${(error as Error).message}`),
    });
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
    });
    await server.connect(transport);
    options.log(
      `userflow-bridge mcp: serving ${principal.name} (${principal.scopes.join(', ')}) over stdio; writes go to ${layout.queueDb}`,
    );
    await closed;
    await server.close();
  } finally {
    local.close();
    queues.close();
    sync.close();
    await userflow.close();
  }
}

// Local wiring of the agent tools: the principals file and the trail in the local dir, around given queues.
import { randomBytes } from 'node:crypto';
import type { DlqSource } from '../dlq/dlq-tools.ts';
import { DEFAULT_WAIT, type ToolDeps } from '../mcp/deps.ts';
import { openPrincipalsFile, principalsPath } from '../mcp/principals-file.ts';
import type { PrincipalStore } from '../mcp/principals-store.ts';
import type { Queue } from '../queue/queue.ts';
import type { RuleSet } from '../rules/index.ts';
import { DEFAULT_TRAIL_RETENTION_DAYS } from '../trail/capture.ts';
import { openTrail } from '../trail/open.ts';
import type { TrailStore } from '../trail/store.ts';
import type { UserflowClient } from '../userflow/client.ts';
import { localLayout } from './layout.ts';

export interface LocalMcpOptions {
  localDir: string;
  userflow: UserflowClient;
  queue: Queue;
  dlqs?: Readonly<Record<string, DlqSource>>;
  rules?: () => RuleSet;
  /** The trail the rest of the process writes; when absent, `<localDir>/trail.db` is opened here. */
  trail?: TrailStore;
  /** Default: random per process, so a confirm token is good only on the server that issued it. */
  confirmSecret?: Uint8Array;
}

export interface LocalMcp {
  deps: ToolDeps;
  principals: PrincipalStore;
  close(): void;
}

export async function openLocalMcp(options: LocalMcpOptions): Promise<LocalMcp> {
  const own = options.trail === undefined;
  const trail = options.trail ?? (await openTrail(localLayout(options.localDir).trailDb));
  return {
    deps: {
      userflow: options.userflow,
      queue: options.queue,
      trail,
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.dlqs ? { dlqs: options.dlqs } : {}),
      confirmSecret: options.confirmSecret ?? randomBytes(32),
      now: () => new Date(),
      wait: DEFAULT_WAIT,
      retentionDays: DEFAULT_TRAIL_RETENTION_DAYS,
    },
    principals: openPrincipalsFile(principalsPath(options.localDir)),
    close: () => {
      if (own) trail.close();
    },
  };
}

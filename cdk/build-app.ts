// Builds the CDK app: validated config (context + props), checked rule and sync files, the stack, and cdk-nag.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadRules } from '../lib/rules/index.ts';
import { BridgeStack, type FunctionEntries } from './bridge-stack.ts';
import { type BridgeConfigInput, configFromContext, parseBridgeConfig } from './config.ts';
import { checkedRuleFiles } from './rule-files.ts';
import { checkedSyncFiles } from './sync-files.ts';
import { checkedWatchFiles } from './watch-files.ts';

/** The repository root (cdk/..): package.json, functions/, rules/. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BridgeAppOptions {
  /** @default a new App (reads context from cdk.json and `-c key=value`) */
  readonly app?: App;
  /** Settings that win over CDK context; validated together with it. */
  readonly config?: BridgeConfigInput;
  /** @default PROJECT_ROOT */
  readonly projectRoot?: string;
  /** @default functions/ingest.ts, deliver.ts and sync.ts under the project root */
  readonly entries?: Partial<FunctionEntries>;
  /** Run cdk-nag's AwsSolutions pack at synth. @default true */
  readonly nag?: boolean;
}

/** Throws ConfigError (every config problem at once, or the rules checker's report) before building anything. */
export async function buildBridgeApp(
  options: BridgeAppOptions = {},
): Promise<{ app: App; stack: BridgeStack }> {
  const app = options.app ?? new App();
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const input: Record<string, unknown> = {
    ...configFromContext((key) => app.node.tryGetContext(key)),
    ...options.config,
  };
  // A sync path takes part of the rate, so whether there is one is known before the rates are checked.
  const syncDir = typeof input.syncDir === 'string' && input.syncDir !== '' ? input.syncDir : undefined;
  const syncFiles = syncDir ? await checkedSyncFiles(resolve(projectRoot, syncDir)) : [];
  const config = parseBridgeConfig(input, { withSync: syncFiles.length > 0 });
  const ruleFiles = await checkedRuleFiles(resolve(projectRoot, config.rulesDir));

  const stack = new BridgeStack(app, `UserflowBridge-${config.environmentName}`, {
    description: `userflow-bridge (${config.environmentName}): webhooks → SQS FIFO → Userflow`,
    config,
    projectRoot,
    entries: {
      ingest: options.entries?.ingest ?? resolve(projectRoot, 'functions/ingest.ts'),
      deliver: options.entries?.deliver ?? resolve(projectRoot, 'functions/deliver.ts'),
      sync: options.entries?.sync ?? resolve(projectRoot, 'functions/sync.ts'),
      mcp: options.entries?.mcp ?? resolve(projectRoot, 'functions/mcp.ts'),
      watch: options.entries?.watch ?? resolve(projectRoot, 'functions/watch.ts'),
    },
    ruleFiles,
    sources: [...(await loadRules(resolve(projectRoot, config.rulesDir))).sources.keys()],
    syncFiles,
    watchFiles: config.watchDir ? await checkedWatchFiles(resolve(projectRoot, config.watchDir)) : [],
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

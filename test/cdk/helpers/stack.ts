// Test helper: a fresh BridgeStack with Lambda bundling skipped, built from the given settings.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BridgeStack } from '../../../cdk/bridge-stack.ts';
import { type BridgeConfigInput, parseBridgeConfig } from '../../../cdk/config.ts';
import type { DeployedSync } from '../../../cdk/sync-files.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE_HANDLER = fileURLToPath(new URL('../fixtures/handler.ts', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON that tests index freely.
export type CfnProps = Record<string, any>;
export type CfnResources = Record<string, { Type: string; Properties: CfnProps }>;

export interface BuiltStack {
  app: App;
  stack: BridgeStack;
  template: Template;
}

/**
 * Synthesizes without esbuild (`aws:cdk:bundling-stacks: []`), so a template test takes milliseconds, not seconds.
 * `syncFiles`: validated sync files (their presence adds the sync path).
 */
export function buildStack(
  settings: BridgeConfigInput = {},
  syncFiles: readonly DeployedSync[] = [],
  sources: readonly string[] = [],
): BuiltStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BridgeStack(app, 'Test', {
    config: parseBridgeConfig(settings, { withSync: syncFiles.length > 0 }),
    projectRoot: PROJECT_ROOT,
    entries: { ingest: FIXTURE_HANDLER, deliver: FIXTURE_HANDLER, sync: FIXTURE_HANDLER },
    ruleFiles: [],
    sources,
    syncFiles,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export function resourcesOf(built: BuiltStack): CfnResources {
  return built.template.toJSON().Resources as CfnResources;
}

/** The logical id CloudFormation gets for a construct's default resource. */
export function logicalId(built: BuiltStack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as Parameters<BridgeStack['getLogicalId']>[0] | undefined;
  if (!child) throw new Error('construct has no default CloudFormation resource');
  return built.stack.resolve(built.stack.getLogicalId(child)) as string;
}

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the command works straight from a checkout with no build step.
import { register } from 'tsx/esm/api';

register();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

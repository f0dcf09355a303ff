// `cdk synth` / `cdk deploy` entry (cdk.json): an environment-agnostic app built from CDK context, no AWS calls.
import { ConfigError } from '../lib/errors.ts';
import { buildBridgeApp } from './build-app.ts';

try {
  const { app } = await buildBridgeApp();
  app.synth();
} catch (error) {
  // Config and rule-file problems are the user's to fix: print the report, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

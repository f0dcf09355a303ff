// `npx cdk synth` as a user (and CI) runs it: the CLI, cdk.json's app command, no AWS credentials, offline.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npx cdk synth', () => {
  it('synthesizes the stack with no AWS credentials or region', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'ufb-cdk-out-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
    try {
      await run('node_modules/.bin/cdk', ['synth', '--quiet', '--no-notices', '--output', outdir], {
        env: {
          ...env,
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeout: 170_000,
      });
      expect(readdirSync(outdir)).toContain('UserflowBridge-dev.template.json');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});

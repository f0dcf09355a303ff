// Test and bench helper: finds a function's bundle in a synthesized cloud assembly and runs it under Node 24.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { LAMBDA_TASK_ROOT } from '../../../cdk/bridge-function.ts';

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./run-bundle.mjs', import.meta.url));

let node24: Promise<string> | undefined;

/** The Node 24 binary (the Lambda runtime's version), fetched once from the npm registry by `npx -y node@24`. */
export function node24Binary(): Promise<string> {
  node24 ??= run('npx', ['-y', 'node@24', '-p', 'process.execPath'], {
    cwd: tmpdir(),
    timeout: 300_000,
  }).then(({ stdout }) => stdout.trim());
  return node24;
}

interface TemplateFunction {
  Properties: {
    Code: { S3Key: string };
    Timeout?: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

/** The synthesized Lambda resource of `fn` (a NodejsFunction) in the stack's template under `outdir`. */
export function synthesizedFunction(outdir: string, stack: Stack, fn: IConstruct): TemplateFunction {
  const template = JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8'));
  const id = stack.resolve(stack.getLogicalId(fn.node.defaultChild as CfnElement)) as string;
  const resource = template.Resources[id] as TemplateFunction | undefined;
  if (!resource) throw new Error(`no resource ${id} in ${stack.templateFile}`);
  return resource;
}

/** The staged asset directory (what Lambda unpacks into /var/task) of a bundled function. */
export function assetDirOf(outdir: string, stack: Stack, fn: IConstruct): string {
  const key = synthesizedFunction(outdir, stack, fn).Properties.Code.S3Key;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/**
 * The function's environment as Lambda would set it: `{Ref: id}` values come from `refs` (e.g. the emulator's queue
 * URL for the queue's logical id) and `/var/task` paths point into the local asset directory.
 */
export function lambdaEnvironment(
  resource: TemplateFunction,
  assetDir: string,
  refs: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
    if (typeof value === 'string') {
      env[name] = value.startsWith(LAMBDA_TASK_ROOT)
        ? assetDir + value.slice(LAMBDA_TASK_ROOT.length)
        : value;
      continue;
    }
    const ref = (value as { Ref?: string }).Ref;
    const resolved = ref === undefined ? undefined : refs[ref];
    if (resolved === undefined) throw new Error(`no local value for ${name} = ${JSON.stringify(value)}`);
    env[name] = resolved;
  }
  return env;
}

export interface BundleRun {
  initMs: number;
  node: string;
  result?: unknown;
  error?: { name?: string; message?: string };
  stdout: string;
  stderr: string;
}

export interface RunBundleOptions {
  node: string;
  /** The function's variables (see lambdaEnvironment) plus endpoints and credentials for local services. */
  env: Record<string, string>;
  /** Invoke `handler` with this event after the import; without it only the module init runs. */
  event?: unknown;
  /** What the handler's context counts down from (the function's own timeout, s); default 30. */
  functionTimeoutSeconds?: number;
  timeoutMs?: number;
}

/** Imports `<assetDir>/index.mjs` in a fresh process with /var/task's role played by assetDir. */
export async function runBundle(assetDir: string, options: RunBundleOptions): Promise<BundleRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'bundle-run-'));
  try {
    const resultFile = join(scratch, 'result.json');
    const args = [RUNNER, join(assetDir, 'index.mjs'), resultFile];
    if (options.event !== undefined) {
      writeFileSync(join(scratch, 'event.json'), JSON.stringify(options.event));
      args.push(join(scratch, 'event.json'));
    }
    const { stdout, stderr } = await run(options.node, args, {
      cwd: assetDir,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        LAMBDA_TASK_ROOT: assetDir,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_FUNCTION_NAME: 'bundle-test',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        BUNDLE_FUNCTION_TIMEOUT_MS: String((options.functionTimeoutSeconds ?? 30) * 1000),
        ...options.env,
      },
    });
    return { ...JSON.parse(readFileSync(resultFile, 'utf8')), stdout, stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

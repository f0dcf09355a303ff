// Runs in a fresh Node (24) process: imports one Lambda bundle, times the module init, optionally invokes `handler`.
// Usage: node run-bundle.mjs <bundle.mjs> <result.json> [event.json]. Function logs stay on stdout/stderr;
// the measurement and the handler's result go to result.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, resultFile, eventFile] = process.argv.slice(2);
const started = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const initMs = performance.now() - started;

let result;
let error;
if (eventFile) {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  // As Lambda counts it: from the invocation's start to the function's timeout.
  const deadline = Date.now() + Number(process.env.BUNDLE_FUNCTION_TIMEOUT_MS ?? 30_000);
  const context = {
    functionName: 'bundle-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bundle-test',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/bundle-test',
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    result = await mod.handler(event, context);
  } catch (e) {
    error = { name: e?.name, message: e?.message };
  }
}
writeFileSync(resultFile, JSON.stringify({ initMs, node: process.version, result, error }));
// Lambda freezes the process after a response; here open sockets (keep-alive) must not hold the test.
process.exit(0);

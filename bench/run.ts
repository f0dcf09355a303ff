// `npm run bench`: runs every bench/*.bench.ts in its own process, one after another, so figures do not
// disturb each other. Each bench prints one JSON object per line (`{"bench": name, ...figures}`).
// `npm run bench -- rules ingest` runs only the benches whose file names contain one of the words.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
  .sort();

let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(
      `${JSON.stringify({ bench: file.replace('.bench.ts', ''), error: `exit ${result.status}` })}\n`,
    );
  }
}
process.exitCode = failed ? 1 : 0;

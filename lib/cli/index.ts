// Public surface of the CLI: the commander program (`bin/userflow-bridge` runs `main`). Each command's module is
// loaded lazily by its action, so `--help` stays fast.
export { buildProgram, main } from './main.ts';

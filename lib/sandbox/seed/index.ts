// Public surface of the sandbox's seed data: the demo seed, and reading, applying and exporting seed documents.
export { applySeed, parseSeedDocument } from './apply.ts';
export { DEMO_SEED } from './demo.ts';
export { exportSeed } from './export.ts';
export type { SeedDocument } from './schema.ts';

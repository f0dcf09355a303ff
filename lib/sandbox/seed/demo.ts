// The demo data set every sandbox starts with by default: a flow with survey questions, a checklist, a launcher.

import demo from './demo.json' with { type: 'json' };

/** Raw JSON; validated by `parseSeedDocument` like any seed file. */
export const DEMO_SEED: unknown = demo;

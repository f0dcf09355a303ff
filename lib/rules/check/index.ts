// Public surface of `rules check`'s extra analyses: rules no sample reaches, and the samples they are tried on.
// `lib/cli/rules.ts` loads these modules lazily by path, so the commands that do not check pay nothing for them.
export { findUnreachable, formatWarning } from './reachability.ts';
export { readSamples } from './samples.ts';

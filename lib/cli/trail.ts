// The trail a CLI command writes to: `--trail <target>` when given, else `<local-dir>/trail.db`, as `start` keeps it.
// Loaded only by commands that write, so `--help` does not open SQLite.

import { existsSync } from 'node:fs';
import type { Env } from '../config/read-env.ts';
import { readTrailConfig, type TrailConfig } from '../config/trail.ts';
import { ConfigError } from '../errors.ts';
import { localLayout } from '../local/layout.ts';
import { TrailError } from '../trail/errors.ts';
import { openTrail, parseTrailTarget } from '../trail/open.ts';
import type { TrailStore } from '../trail/store.ts';
import { UsageError } from './exit.ts';

export interface TrailFlags {
  localDir: string;
  trail?: string;
}

export interface CliTrail {
  /** Absent when the trail could not be opened: the command still does its work. */
  store: TrailStore | undefined;
  config: TrailConfig;
}

/**
 * A `--trail` that names no backend, or bad TRAIL_* variables, are the user's to fix: exit 2 before anything is
 * done. A trail that cannot be opened is only warned about: the command's own work matters more than its record.
 */
export async function openCliTrail(
  flags: TrailFlags,
  env: Env,
  warn: (line: string) => void,
): Promise<CliTrail> {
  let config: TrailConfig;
  try {
    config = readTrailConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const target = flags.trail ?? localLayout(flags.localDir).trailDb;
  try {
    return { store: await openTrail(target), config };
  } catch (error) {
    if (error instanceof TrailError && error.code === 'invalid_target') throw new UsageError(error.message);
    warn(
      `warning: the event trail ${target} is unavailable, this call is not recorded: ${(error as Error).message}`,
    );
    return { store: undefined, config };
  }
}

/**
 * The trail a reading command (`events`, `rules backtest`) opens. Unlike a writer, a local trail that is not there
 * is a usage error: opening SQLite would create it, and a mistyped --local-dir would read as "no records".
 */
export async function openTrailForReading(flags: TrailFlags): Promise<TrailStore> {
  const target = flags.trail ?? localLayout(flags.localDir).trailDb;
  let parsed: ReturnType<typeof parseTrailTarget>;
  try {
    parsed = parseTrailTarget(target);
  } catch (error) {
    if (error instanceof TrailError) throw new UsageError(`--trail: ${error.message}`);
    throw error;
  }
  if (parsed.kind === 'sqlite' && !existsSync(parsed.path)) {
    throw new UsageError(
      `no trail at ${parsed.path} (run \`userflow-bridge start\` first, or give --local-dir or --trail)`,
    );
  }
  return openTrail(target);
}

// Local secrets and settings: the process environment over an optional `.env` file (the environment wins).
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';
import type { Env } from './read-env.ts';

/** Reads `path` if it exists; a malformed file is an error that names it. */
export function loadDotEnv(path: string): Env {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, [], error);
  }
  return parseEnv(text) as Env;
}

export function localEnv(processEnv: Env, dotEnvPath = '.env'): Env {
  return { ...loadDotEnv(dotEnvPath), ...processEnv };
}

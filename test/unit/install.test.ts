// A fresh `npm ci` on the Node version package.json promises is quiet: no EBADENGINE, no install script that
// allowScripts does not cover.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  engines?: { node?: string };
  hasInstallScript?: boolean;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockPackage>;
};
const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

type Version = [number, number, number];
const parts = (text: string): (number | undefined)[] =>
  text.split('.').map((p) => (p === 'x' || p === '*' || p === '' ? undefined : Number(p)));
const compare = (a: Version, b: (number | undefined)[]) => {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** The engines ranges the lock holds: `*`, `>=v`, `^v`, `N`, `N.x`, `N.*`, joined by spaces and `||`. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|\^)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        if (comparator === '*' || comparator === '') return true;
        if (comparator.startsWith('>=')) return compare(version, parts(comparator.slice(2))) >= 0;
        if (comparator.startsWith('^')) {
          const want = parts(comparator.slice(1));
          return version[0] === want[0] && compare(version, want) >= 0;
        }
        const want = parts(comparator);
        if (/^\d/.test(comparator)) return want.every((p, i) => p === undefined || p === version[i]);
        throw new Error(`cannot read engines range ${range}`);
      }),
  );
}

describe('npm ci', () => {
  const [major = 0, minor = 0, patch = 0] = parts(pkg.engines.node.replace('>=', ''));
  const floor: Version = [major, minor, patch];

  it('reads the ranges it checks as npm does', () => {
    expect(satisfies([20, 19, 0], '>=22')).toBe(false);
    expect(satisfies([20, 19, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([20, 19, 0], '20.x || 22.x')).toBe(true);
    expect(satisfies([20, 19, 0], '>=20.19')).toBe(true);
    expect(satisfies([20, 19, 0], '>= 20.0.0')).toBe(true);
    expect(satisfies([20, 19, 0], '^22.0.0')).toBe(false);
  });

  it(`installs no package that refuses Node ${floor.join('.')} (EBADENGINE)`, () => {
    const refusing = installed
      .filter(([, p]) => p.engines?.node && !satisfies(floor, p.engines.node))
      .map(([path, p]) => `${nameOf(path)} (${p.engines?.node})`);
    expect(refusing).toEqual([]);
  });

  it('runs no install script that allowScripts does not cover', () => {
    const uncovered = installed
      .filter(([path, p]) => p.hasInstallScript && pkg.allowScripts[nameOf(path)] !== true)
      .map(([path]) => nameOf(path));
    expect(uncovered).toEqual([]);
  });
});

// Query strings the way Userflow clients send them: `name[]=a&name[]=b`, `name=a`, optionally `name=a,b`.

export class Query {
  /** Parameter name (without `[]`) → values in order. */
  private readonly values = new Map<string, string[]>();
  /** The original pairs, so `next_page_url` can repeat them. */
  readonly pairs: ReadonlyArray<readonly [string, string]>;

  constructor(search: string) {
    const pairs: [string, string][] = [];
    for (const [rawKey, value] of new URLSearchParams(search)) {
      pairs.push([rawKey, value]);
      const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
      const list = this.values.get(key);
      if (list) list.push(value);
      else this.values.set(key, [value]);
    }
    this.pairs = pairs;
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The last value given for a single-valued parameter. */
  one(name: string): string | undefined {
    const list = this.values.get(name);
    return list?.[list.length - 1];
  }

  /** Every value of an array parameter; with `splitCommas`, `a,b` counts as two. */
  many(name: string, splitCommas: boolean): string[] {
    const list = this.values.get(name) ?? [];
    return splitCommas ? list.flatMap((v) => v.split(',').map((s) => s.trim())) : list;
  }

  /** The same query with `starting_after` replaced, brackets kept readable (`expand[]=x`). */
  withStartingAfter(id: string): string {
    const parts = this.pairs
      .filter(([key]) => key !== 'starting_after')
      .map(([key, value]) => `${encodeKey(key)}=${encodeURIComponent(value)}`);
    parts.push(`starting_after=${encodeURIComponent(id)}`);
    return parts.join('&');
  }
}

function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%5B%5D$/i, '[]');
}

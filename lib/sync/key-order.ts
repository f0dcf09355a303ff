// The one order in which sync keys are merged: Unicode code point order, which is UTF-8 byte order — the order
// of PostgreSQL's `convert_to(…, 'UTF8')`, of SQLite's BINARY collation and of DynamoDB's string sort keys.

/**
 * Negative when `a` sorts before `b`, zero when equal, positive after. JavaScript's own `<` compares UTF-16 code
 * units, which puts characters above U+FFFF (surrogate pairs) before U+E000–U+FFFF: code point order does not.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? codePointRank(x) - codePointRank(y) : x - y;
  }
  return a.length - b.length;
}

// After an equal prefix, both units are low surrogates, or each is a high surrogate or no surrogate at all:
// moving the surrogates (D800–DFFF) above E000–FFFF, keeping each range's own order, gives code point order.
const codePointRank = (unit: number): number => (unit <= 0xdfff ? unit + 0x2000 : unit - 0x800);

// EventBridge `wildcard` strings: `*` matches any run of characters; `\*` and `\\` are literal; no `**`.

export type WildcardMatcher = (value: string) => boolean;

/** Returns the problem with a wildcard string, or undefined when it is valid. */
export function wildcardProblem(pattern: string): string | undefined {
  let previousWasStar = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      i += 1;
      previousWasStar = false;
    } else if (char === '*') {
      if (previousWasStar) return 'consecutive "*" are not allowed';
      previousWasStar = true;
    } else {
      previousWasStar = false;
    }
  }
  return undefined;
}

/** The literal pieces between unescaped stars: `a*b\*c` → `["a", "b*c"]`. */
function segments(pattern: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      current += pattern[i + 1] ?? '';
      i += 1;
    } else if (char === '*') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * Compiles a valid wildcard string. Matching is greedy-free: the first and last pieces anchor the ends and the
 * middle pieces are found left to right, so a match costs O(length) and cannot backtrack.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  const parts = segments(pattern);
  if (parts.length === 1) {
    const exact = parts[0] as string;
    return (value) => value === exact;
  }
  const head = parts[0] as string;
  const tail = parts[parts.length - 1] as string;
  const middle = parts.slice(1, -1).filter((part) => part.length > 0);
  const minLength = head.length + tail.length;
  return (value) => {
    if (value.length < minLength || !value.startsWith(head) || !value.endsWith(tail)) return false;
    let position = head.length;
    const end = value.length - tail.length;
    for (const part of middle) {
      const found = value.indexOf(part, position);
      if (found === -1 || found + part.length > end) return false;
      position = found + part.length;
    }
    return true;
  };
}

// EventBridge `wildcard` strings: `*` matches any run of characters; `\*` and `\\` are literal; no `**`.

/**
 * AWS refuses a wildcard pattern that is "too complex": event-ruler's MachineComplexityEvaluator counts how many
 * prefixes of the pattern one input can keep alive at once, and its README has services cap a single rule at 10.
 * Each unescaped `*` adds about one, so in practice this refuses more than ten stars (or long runs after a star).
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

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
  const complexity = wildcardComplexity(pattern);
  if (complexity > MAX_WILDCARD_COMPLEXITY) {
    return `too complex for EventBridge (${Number.isFinite(complexity) ? complexity : 'too many'} partial matches can be alive at once, at most ${MAX_WILDCARD_COMPLEXITY}): use fewer "*"`;
  }
  return undefined;
}

/**
 * The most prefixes of a valid wildcard string that one input can match at the same time (event-ruler's
 * "complexity"), found by walking every set of live positions the input alphabet can reach. Infinity past `cap`.
 */
export function wildcardComplexity(pattern: string, cap = 10_000): number {
  const tokens: (string | null)[] = []; // null is a star
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      i += 1;
      tokens.push(pattern[i] ?? '');
    } else tokens.push(char === '*' ? null : char);
  }
  const afterStar = (position: number) => position > 0 && tokens[position - 1] === null;
  const close = (positions: Iterable<number>): number[] => {
    const set = new Set<number>();
    for (const position of positions) {
      set.add(position);
      // A star may match nothing, so the position after it is live too (no two stars are adjacent).
      if (tokens[position] === null) set.add(position + 1);
    }
    return [...set].sort((a, b) => a - b);
  };
  // Counted as event-ruler's tests count: every live position but the start (so "*" is 1, "*aba*" on "aba" is 4).
  const live = (positions: readonly number[]) => positions.filter((p) => p !== 0).length;
  const literals = new Set(tokens.filter((token): token is string => token !== null));
  let other = 0;
  while (literals.has(String.fromCharCode(other))) other += 1;
  const alphabet = [...literals, String.fromCharCode(other)];
  const start = close([0]);
  const seen = new Set([start.join()]);
  const queue = [start];
  let most = live(start);
  while (queue.length > 0) {
    const positions = queue.pop() as number[];
    for (const char of alphabet) {
      const next = close(
        positions.flatMap((p) => [...(tokens[p] === char ? [p + 1] : []), ...(afterStar(p) ? [p] : [])]),
      );
      const key = next.join();
      if (next.length === 0 || seen.has(key)) continue;
      if (seen.size >= cap) return Number.POSITIVE_INFINITY;
      seen.add(key);
      most = Math.max(most, live(next));
      queue.push(next);
    }
  }
  return most;
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

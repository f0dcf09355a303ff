// `equals-ignore-case` (alone, or inside prefix/suffix/anything-but) compared the way event-ruler compares it.

/**
 * event-ruler does not fold the event value: it expands the PATTERN, letting each of its characters stand for its
 * lower-case or its upper-case form, and matches the value's bytes against that. Some forms change length (ΰ ↔ Ϋ́,
 * ῆ ↔ Η͂), so `value.toLowerCase() === pattern.toLowerCase()` answers differently both ways: it misses "Ϋ́" for
 * the pattern "ΰ", and it lets the Kelvin sign "K" match the pattern "k" (whose forms are only k and K).
 * One departure: event-ruler expands UTF-16 units, which garbles characters outside the BMP; we expand code points.
 */
export type AffixMode = 'equals' | 'prefix' | 'suffix';

export type StringTest = (value: string) => boolean;

export function compileIgnoreCase(pattern: string, mode: AffixMode): StringTest {
  const units: (readonly string[])[] = [];
  for (const char of pattern) {
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    units.push(lower === upper ? [lower] : [lower, upper]);
  }
  if (units.every((forms) => forms.every((form) => form.length === 1))) return oneToOne(units, mode);
  return mode === 'suffix' ? suffixTest(units) : forwardTest(units, mode === 'prefix');
}

/** The common case (ASCII, most scripts): every form is one UTF-16 unit, so position i of the value meets unit i. */
function oneToOne(units: readonly (readonly string[])[], mode: AffixMode): StringTest {
  const lower = units.map((forms) => (forms[0] as string).charCodeAt(0));
  const upper = units.map((forms) => (forms[forms.length - 1] as string).charCodeAt(0));
  const length = units.length;
  return (value) => {
    if (mode === 'equals' ? value.length !== length : value.length < length) return false;
    const offset = mode === 'suffix' ? value.length - length : 0;
    for (let i = 0; i < length; i += 1) {
      const code = value.charCodeAt(offset + i);
      if (code !== lower[i] && code !== upper[i]) return false;
    }
    return true;
  };
}

/** Forms of different lengths: track every position the value can have reached (at most a few). */
function forwardTest(units: readonly (readonly string[])[], prefix: boolean): StringTest {
  return (value) => {
    let positions = [0];
    for (const forms of units) {
      const next: number[] = [];
      for (const at of positions) {
        for (const form of forms) {
          const end = at + form.length;
          if (value.startsWith(form, at) && !next.includes(end)) next.push(end);
        }
      }
      if (next.length === 0) return false;
      positions = next;
    }
    return prefix || positions.includes(value.length);
  };
}

/** The same from the end of the value, as event-ruler matches suffixes on reversed bytes. */
function suffixTest(units: readonly (readonly string[])[]): StringTest {
  return (value) => {
    let positions = [value.length];
    for (let u = units.length - 1; u >= 0; u -= 1) {
      const next: number[] = [];
      for (const end of positions) {
        for (const form of units[u] as readonly string[]) {
          const start = end - form.length;
          if (start >= 0 && value.startsWith(form, start) && !next.includes(start)) next.push(start);
        }
      }
      if (next.length === 0) return false;
      positions = next;
    }
    return true;
  };
}

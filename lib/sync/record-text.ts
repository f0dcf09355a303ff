// Reads PostgreSQL's text form of a row (`record_out`: `(a,"b c",,"say ""hi""")`) back into its column texts.

/**
 * Each column's text as its type's output function wrote it, or null for NULL. `record_out` leaves a NULL empty,
 * quotes an empty string and any value holding a quote, backslash, parenthesis, comma or white space, and doubles
 * quotes and backslashes inside quotes; that is all this undoes.
 */
export function splitRecord(text: string): (string | null)[] {
  if (text.charCodeAt(0) !== OPEN || text.charCodeAt(text.length - 1) !== CLOSE) throw malformed();
  const values: (string | null)[] = [];
  const end = text.length - 1;
  let at = 1;
  for (;;) {
    const first = text.charCodeAt(at);
    if (first === QUOTE) {
      let value = '';
      let from = at + 1;
      for (;;) {
        const next = nextSpecial(text, from, end);
        if (next >= end) throw malformed();
        value += text.slice(from, next);
        // Inside quotes a quote or backslash is always doubled: the pair stands for one, a lone quote ends it.
        if (text.charCodeAt(next + 1) === text.charCodeAt(next)) {
          value += text[next];
          from = next + 2;
        } else if (text.charCodeAt(next) === QUOTE) {
          at = next + 1;
          break;
        } else {
          throw malformed();
        }
      }
      values.push(value);
    } else {
      let stop = at;
      while (stop < end && text.charCodeAt(stop) !== COMMA) stop++;
      // Unquoted and empty is NULL; an empty string is always quoted.
      values.push(stop === at ? null : text.slice(at, stop));
      at = stop;
    }
    if (at === end) return values;
    if (text.charCodeAt(at) !== COMMA) throw malformed();
    at += 1;
  }
}

const OPEN = 0x28;
const CLOSE = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function nextSpecial(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === BACKSLASH) return i;
  }
  return end;
}

// No text in the message: it is a row of the user's data.
const malformed = () => new TypeError('not a PostgreSQL record text');

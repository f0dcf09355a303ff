// Untrusted text (source names, ids, reasons, looked-up values) made safe to print as one terminal line.

// C0 and C1 controls (newline, ESC for ANSI sequences), DEL, Unicode line breaks and bidi overrides: any of
// them in a source name, id or reason would let an unsigned request forge or hide lines in the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text made safe for one terminal line: each unprintable character shown as its `\u{…}` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`);
}

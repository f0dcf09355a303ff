// Userflow's timestamp format (`2022-11-29T12:34:56.000+00:00`) and ISO 8601 recognition for datetime attributes.

/** Formats epoch milliseconds the way Userflow renders every `*_at` field. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

// Date, optionally with time and zone: 2024-03-02, 2024-03-02T09:15:00Z, 2024-03-02T09:15:00.123+01:00.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** True when a string is an ISO 8601 date/datetime that JavaScript can also parse. */
export function isIsoDatetime(value: string): boolean {
  return ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

/** Parses an ISO 8601 string to epoch ms, or undefined when it is not one. */
export function parseIsoDatetime(value: string): number | undefined {
  if (!isIsoDatetime(value)) return undefined;
  return Date.parse(value);
}

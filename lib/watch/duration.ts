// Durations in watch files (`3d`, `12h`, `90m`, `1w`) and EventBridge `rate(…)` schedules, as milliseconds.

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)\s*([smhdw])$/;

/** `3d` → 259 200 000; undefined when the text is not a whole number and one unit (s, m, h, d, w). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  return amount > 0 ? amount * (UNIT_MS[match[2] as string] as number) : undefined;
}

const RATE = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/;
const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(1 hour)` → 3 600 000; undefined for anything else (cron schedules are not run locally yet). */
export function parseRate(text: string): number | undefined {
  const match = RATE.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] as string).replace(/s$/, '');
  // EventBridge's own rule: the singular unit for 1, the plural otherwise.
  if (amount < 1 || (amount === 1) !== (match[2] === unit)) return undefined;
  return amount * (RATE_UNIT_MS[unit] as number);
}

/** `4 days`, `5 hours`, `12 minutes`: how long ago, for people. */
export function humanAgo(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

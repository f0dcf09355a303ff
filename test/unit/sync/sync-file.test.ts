import { describe, expect, it } from 'vitest';
import { overCap } from '../../../lib/sync/deletion-cap.ts';
import { parseSyncFile } from '../../../lib/sync/read-sync-file.ts';

const parse = (extra: string) =>
  parseSyncFile(
    'syncs/app.yaml',
    `connection: DATABASE_URL\nmode: mirror\n${extra}\nusers:\n  query: SELECT id FROM u\n`,
  );

describe('sync file max_delete', () => {
  it('defaults to 5% with a floor of 10', () => {
    expect(parse('').max_delete).toEqual({ ratio: 0.05, at_least: 10 });
  });

  it('reads the object form, each field defaulting on its own', () => {
    expect(parse('max_delete: { at_least: 3 }').max_delete).toEqual({ ratio: 0.05, at_least: 3 });
    expect(parse('max_delete: { ratio: 0.2, at_least: 0 }').max_delete).toEqual({ ratio: 0.2, at_least: 0 });
  });

  it('keeps the older max_delete_ratio form working', () => {
    const file = parse('max_delete_ratio: 0.5');
    expect(file.max_delete).toEqual({ ratio: 0.5, at_least: 10 });
    expect(file).not.toHaveProperty('max_delete_ratio');
  });

  it('refuses both forms at once, and an unknown field, naming them', () => {
    expect(() => parse('max_delete_ratio: 0.5\nmax_delete: { ratio: 0.1 }')).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringContaining('max_delete_ratio: give max_delete or max_delete_ratio, not both'),
        ],
      }),
    );
    expect(() => parse('max_delete: { floor: 3 }')).toThrow(
      expect.objectContaining({ problems: [expect.stringContaining('syncs/app.yaml: max_delete')] }),
    );
  });
});

describe('overCap', () => {
  const cap = { ratio: 0.05, at_least: 10 };
  it('passes a removal within either bound and refuses one past both', () => {
    expect(overCap(10, 12, cap)).toBe(false);
    expect(overCap(11, 1000, cap)).toBe(false);
    expect(overCap(11, 100, cap)).toBe(true);
    expect(overCap(1, 3, { ratio: 0.05, at_least: 0 })).toBe(true);
  });
});

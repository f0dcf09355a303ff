// The sample the start banner suggests per source stays the one that shows the most, however many samples exist.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSample } from '../../../lib/local/sample-command.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('findSample', () => {
  it('prefers the sample that shows each source best, not the first file name', () => {
    expect(findSample(['stripe', 'hubspot', 'portal'], ROOT)).toBe('samples/stripe/trial-converted.json');
    expect(findSample(['hubspot'], ROOT)).toBe('samples/hubspot/contact-became-customer.json');
    expect(findSample(['portal'], ROOT)).toBe('samples/portal/profile-completed.json');
  });

  it('suggests nothing for a source without samples', () => {
    expect(findSample(['nosuch'], ROOT)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { splitRecord } from '../../../lib/sync/record-text.ts';

describe('splitRecord', () => {
  it.each([
    ['(a,b)', ['a', 'b']],
    ['(user-1,,t)', ['user-1', null, 't']],
    ['(,)', [null, null]],
    ['("",x)', ['', 'x']],
    ['("a b","c,d","(e)")', ['a b', 'c,d', '(e)']],
    ['("say ""hi""","back\\\\slash")', ['say "hi"', 'back\\slash']],
    ['("""")', ['"']],
    ['("2026-01-01 00:00:00+00","{a,""b c""}")', ['2026-01-01 00:00:00+00', '{a,"b c"}']],
    ['(😀,é)', ['😀', 'é']],
  ])('%s', (text, values) => {
    expect(splitRecord(text)).toEqual(values);
  });

  it.each([['a,b'], ['(a,b'], ['("a)'], ['("a"b)'], ['("a\\b")']])('refuses %s', (text) => {
    expect(() => splitRecord(text)).toThrow(TypeError);
  });
});

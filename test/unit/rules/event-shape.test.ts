// splitEvents: where the event id and type come from, batches, ordering, and 400s for bodies of the wrong shape.
import { describe, expect, it } from 'vitest';
import { EventShapeError } from '../../../lib/rules/index.ts';
import { compileSource } from './helpers.ts';

const rules = '  - name: r\n    when: {}\n    do: [{ delete_user: { user_id: u } }]\n';
const source = (event: string) => compileSource(rules, `event:\n${event}`);

function shapeError(run: () => unknown): EventShapeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EventShapeError);
    return error as EventShapeError;
  }
  throw new Error('expected an EventShapeError');
}

describe('splitEvents', () => {
  it('reads id and type from body paths, nested or not', () => {
    const body = { id: 'evt_1', data: { kind: 'a.b' } };
    expect(source('  id: id\n  type: data.kind\n').splitEvents(body, {})).toEqual([
      { id: 'evt_1', type: 'a.b', payload: body },
    ]);
    expect(source('  id: { path: id }\n').splitEvents(body, {})).toEqual([{ id: 'evt_1', payload: body }]);
  });

  it('reads the id from a header, whatever its case', () => {
    const body = { type: 'user.created' };
    const portal = source('  id: { header: Webhook-Id }\n  type: type\n');
    expect(portal.splitEvents(body, { 'webhook-id': 'msg_1' })).toEqual([
      { id: 'msg_1', type: 'user.created', payload: body },
    ]);
    expect(portal.splitEvents(body, { 'Webhook-ID': 'msg_2' })[0]?.id).toBe('msg_2');
  });

  it('reads the type from a header', () => {
    const github = source('  id: { header: x-github-delivery }\n  type: { header: x-github-event }\n');
    expect(github.splitEvents({}, { 'x-github-delivery': 'd1', 'x-github-event': 'push' })[0]).toMatchObject({
      type: 'push',
    });
  });

  it('turns numeric ids and types into strings and leaves out a missing or non-scalar type', () => {
    const numeric = source('  id: eventId\n  type: kind\n');
    expect(numeric.splitEvents({ eventId: 1871425604, kind: 7 }, {})[0]).toMatchObject({
      id: '1871425604',
      type: '7',
    });
    expect(numeric.splitEvents({ eventId: 1 }, {})[0]).not.toHaveProperty('type');
    expect(numeric.splitEvents({ eventId: 1, kind: { a: 1 } }, {})[0]).not.toHaveProperty('type');
  });

  it('splits a batch into one event per item, each with its own id', () => {
    const batch = source('  batch: true\n  id: eventId\n  type: subscriptionType\n');
    const body = [
      { eventId: 1, subscriptionType: 'contact.creation' },
      { eventId: 2, subscriptionType: 'contact.propertyChange' },
    ];
    expect(batch.splitEvents(body, {})).toEqual([
      { id: '1', type: 'contact.creation', payload: body[0] },
      { id: '2', type: 'contact.propertyChange', payload: body[1] },
    ]);
    expect(batch.splitEvents([], {})).toEqual([]);
  });

  it('orders a batch by order_by, keeping ties and items without the field in their place', () => {
    const batch = source('  batch: true\n  id: eventId\n  order_by: occurredAt\n');
    const body = [
      { eventId: 'late', occurredAt: 300 },
      { eventId: 'none' },
      { eventId: 'early', occurredAt: 100 },
      { eventId: 'tie-1', occurredAt: 200 },
      { eventId: 'tie-2', occurredAt: 200 },
    ];
    expect(batch.splitEvents(body, {}).map((event) => event.id)).toEqual([
      'early',
      'tie-1',
      'tie-2',
      'late',
      'none',
    ]);
  });

  const malformed: [string, string, unknown, Record<string, string>, RegExp][] = [
    [
      'an array where an object is required',
      '  id: id\n',
      [{ id: 'e' }],
      {},
      /expected a JSON object, got an array/,
    ],
    ['null', '  id: id\n', null, {}, /expected a JSON object, got null/],
    ['a missing body id', '  id: data.id\n', { data: {} }, {}, /has no event id \(body path "data.id"\)/],
    ['an empty id', '  id: id\n', { id: '' }, {}, /has no event id/],
    ['an object as id', '  id: id\n', { id: { a: 1 } }, {}, /has no event id/],
    [
      'a missing header id',
      '  id: { header: webhook-id }\n',
      {},
      {},
      /has no event id \(header "webhook-id"\)/,
    ],
    ['an overlong id', '  id: id\n', { id: 'x'.repeat(257) }, {}, /longer than 256 characters/],
    [
      'a batch that is not an array',
      '  batch: true\n  id: eventId\n',
      { eventId: 1 },
      {},
      /expected a JSON array of events, got an object/,
    ],
    [
      'a batch item that is not an object',
      '  batch: true\n  id: eventId\n',
      [{ eventId: 1 }, 'x'],
      {},
      /batch item 1 is a string/,
    ],
    [
      'a batch item without an id',
      '  batch: true\n  id: eventId\n',
      [{ eventId: 1 }, {}],
      {},
      /batch item 1 has no event id/,
    ],
  ];

  it.each(malformed)('refuses %s with a 400 malformed_event', (_name, event, body, headers, message) => {
    const error = shapeError(() => source(event).splitEvents(body, headers));
    expect(error).toMatchObject({ status: 400, code: 'malformed_event', retryable: false });
    expect(error.message).toMatch(message);
  });

  it('never puts the payload in the error message', () => {
    const error = shapeError(() => source('  id: id\n').splitEvents({ secret: 'sk_live_123' }, {}));
    expect(error.message).not.toContain('sk_live_123');
  });
});

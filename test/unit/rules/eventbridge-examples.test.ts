// EventBridge's and event-ruler's DOCUMENTED pattern examples, each with the event the docs say it does (not)
// match. Sources:
//   EB_CONTENT   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
//   EB_OPERATORS https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//   EB_PATTERNS  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
//   EB_ARRAYS    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
//   EB_NULLS     https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
//   RULER        https://github.com/aws/event-ruler/blob/main/README.md
import { describe, expect, it } from 'vitest';
import { matches } from './helpers.ts';

// RULER "Ruler by Example": the sample event most README rules are written against.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};
const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

describe('RULER: simple matching', () => {
  it('matches values listed for each field, and an event array that intersects the rule array', () => {
    const rule = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ state: 'initializing' }))).toBe(true);
    expect(matches(rule, withDetail({ state: 'stopped' }))).toBe(false);
  });
});

describe('EB_PATTERNS: the EC2 termination example', () => {
  const event = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
  };
  const rule = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it('matches the terminated instance and ignores fields the pattern does not name', () => {
    expect(matches(rule, event)).toBe(true);
  });

  it('does not match another state', () => {
    expect(matches(rule, { ...event, detail: { ...event.detail, state: 'running' } })).toBe(false);
  });
});

describe('prefix', () => {
  it('EB_CONTENT: "time" starting with 2017-10-02', () => {
    const rule = { time: [{ prefix: '2017-10-02' }] };
    expect(matches(rule, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matches(rule, { time: '2017-10-03T18:43:48Z' })).toBe(false);
  });

  it('EB_OPERATORS: Region is in the US', () => {
    expect(matches({ Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' })).toBe(true);
    expect(matches({ Region: [{ prefix: 'us-' }] }, { Region: 'eu-west-1' })).toBe(false);
  });

  it('EB_OPERATORS: service starts with "eventb" regardless of case', () => {
    const rule = { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] };
    for (const service of ['EventBridge', 'EVENTB', 'eventbus'])
      expect(matches(rule, { service })).toBe(true);
    expect(matches(rule, { service: 'event' })).toBe(false);
  });

  it('RULER: prefix matches only work on string-valued fields', () => {
    expect(matches({ n: [{ prefix: '12' }] }, { n: 123 })).toBe(false);
  });
});

describe('suffix', () => {
  it('EB_OPERATORS: FileName ends with .png', () => {
    expect(matches({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' })).toBe(true);
    expect(matches({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.PNG' })).toBe(false);
  });

  it('EB_OPERATORS: service ends with "tbridge", any casing', () => {
    const rule = { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] };
    expect(matches(rule, { service: 'EventBridge' })).toBe(true);
    expect(matches(rule, { service: 'EVENTBRIDGE' })).toBe(true);
    expect(matches(rule, { service: 'EventBus' })).toBe(false);
  });

  it('RULER: "source" ending in ec2', () => {
    expect(matches({ source: [{ suffix: 'ec2' }] }, rulerEvent)).toBe(true);
  });
});

describe('equals-ignore-case', () => {
  it('EB_OPERATORS: Name is "Alice" in any casing', () => {
    const rule = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matches(rule, { Name: 'Alice' })).toBe(true);
    expect(matches(rule, { Name: 'ALICE' })).toBe(true);
    expect(matches(rule, { Name: 'Alicia' })).toBe(false);
  });

  it('RULER: source equals-ignore-case "EC2" does not match "aws.ec2" (whole value)', () => {
    expect(matches({ source: [{ 'equals-ignore-case': 'EC2' }] }, rulerEvent)).toBe(false);
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, rulerEvent)).toBe(true);
  });
});

describe('wildcard', () => {
  it('EB_OPERATORS: any .png file within the folder "dir"', () => {
    const rule = { FileName: [{ wildcard: 'dir/*.png' }] };
    expect(matches(rule, { FileName: 'dir/a.png' })).toBe(true);
    expect(matches(rule, { FileName: 'dir/sub/b.png' })).toBe(true);
    expect(matches(rule, { FileName: 'other/a.png' })).toBe(false);
    expect(matches(rule, { FileName: 'dir/a.jpg' })).toBe(false);
  });

  it('RULER: "Simple*Service"', () => {
    const rule = { source: [{ wildcard: 'Simple*Service' }] };
    expect(matches(rule, { source: 'SimpleNotificationService' })).toBe(true);
    expect(matches(rule, { source: 'SimpleService' })).toBe(true);
    expect(matches(rule, { source: 'Simple Service Bus' })).toBe(false);
  });

  it('RULER: an escaped star matches a literal star, an escaped backslash a backslash', () => {
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a\\\\*' }] }, { f: 'a\\xyz' })).toBe(true);
  });
});

describe('anything-but', () => {
  it('EB_CONTENT: state is anything but "initializing"', () => {
    const rule = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('EB_CONTENT: x-limit is anything but 123', () => {
    const rule = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ 'x-limit': 123 }))).toBe(false);
  });

  it('EB_CONTENT: lists of strings and of numbers', () => {
    const strings = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matches(strings, rulerEvent)).toBe(true);
    expect(matches(strings, withDetail({ state: 'overloaded' }))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matches(numbers, rulerEvent)).toBe(true);
    expect(matches(numbers, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('EB_CONTENT: state without the prefix "init"', () => {
    const rule = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('EB_OPERATORS: Region is not in the US; FileName does not end with .png', () => {
    expect(matches({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' })).toBe(true);
    expect(matches({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'us-east-1' })).toBe(false);
    const png = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matches(png, { FileName: 'a.jpg' })).toBe(true);
    expect(matches(png, { FileName: 'a.png' })).toBe(false);
  });

  it('EB_OPERATORS: state is anything but "initializing" in any casing', () => {
    const rule = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matches(rule, { state: 'running' })).toBe(true);
    expect(matches(rule, { state: 'INITIALIZING' })).toBe(false);
  });

  it('EB_OPERATORS: FilePath that does not include /lib/', () => {
    const rule = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matches(rule, { FilePath: '/usr/bin/node' })).toBe(true);
    expect(matches(rule, { FilePath: '/usr/lib/node' })).toBe(false);
  });

  it('EB_OPERATORS: Weather is anything but "Raining"', () => {
    expect(matches({ Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' })).toBe(true);
    expect(matches({ Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' })).toBe(false);
  });
});

describe('numeric', () => {
  it('RULER / EB_CONTENT: c-count in (0, 5], d-count < 10, x-limit = 3.018e2', () => {
    const rule = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ 'c-count': 6 }))).toBe(false);
    expect(matches(rule, withDetail({ 'c-count': 0 }))).toBe(false);
    expect(matches(rule, withDetail({ 'd-count': 10 }))).toBe(false);
    expect(matches(rule, withDetail({ 'x-limit': 301.9 }))).toBe(false);
  });

  it('EB_OPERATORS: Price is 100; Price is more than 10 and at most 20', () => {
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, { Price: 100 })).toBe(true);
    const range = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    expect(matches(range, { Price: 20 })).toBe(true);
    expect(matches(range, { Price: 10 })).toBe(false);
  });

  it('RULER: numeric matching only works with values that are JSON numbers', () => {
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, { Price: '100' })).toBe(false);
  });
});

describe('cidr (IP address matching)', () => {
  it('EB_CONTENT / RULER: addresses in 10.0.0.0/24', () => {
    const rule = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ 'source-ip': '10.0.1.33' }))).toBe(false);
  });

  it('RULER: also works with IPv6 addresses', () => {
    const rule = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matches(rule, { ip: '2001:db8::1' })).toBe(true);
    expect(matches(rule, { ip: '2001:db9::1' })).toBe(false);
  });
});

describe('exists', () => {
  it('EB_CONTENT: detail.state exists', () => {
    const rule = { detail: { state: [{ exists: true }] } };
    const pending = {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2015-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    };
    expect(matches(rule, pending)).toBe(true);
    // The docs' counter-example: no detail.state field.
    expect(matches(rule, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
  });

  it('RULER / EB_CONTENT: exists false matches an absent field and a non-leaf one', () => {
    const rule = { detail: { 'c-count': [{ exists: false }] } };
    const base = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
    };
    expect(matches(rule, { ...base, detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(
      matches(rule, { ...base, detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } }),
    ).toBe(true);
    expect(matches(rule, rulerEvent)).toBe(false);
  });

  it('EB_OPERATORS: ProductName exists / does not exist', () => {
    expect(matches({ ProductName: [{ exists: true }] }, { ProductName: 'Widget' })).toBe(true);
    expect(matches({ ProductName: [{ exists: false }] }, { ProductName: 'Widget' })).toBe(false);
    expect(matches({ ProductName: [{ exists: false }] }, { Other: 1 })).toBe(true);
  });
});

describe('null and empty values (EB_NULLS)', () => {
  const event = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string with [""] and null with [null]', () => {
    expect(matches({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
  });

  it('does not treat null and the empty string as interchangeable', () => {
    expect(matches({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matches({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('EB_OPERATORS: UserID is null; LastName is empty', () => {
    expect(matches({ UserID: [null] }, { UserID: null })).toBe(true);
    expect(matches({ LastName: [''] }, { LastName: '' })).toBe(true);
    expect(matches({ UserID: [null] }, {})).toBe(false);
  });
});

describe('arrays', () => {
  it('EB_ARRAYS: matches when the pattern array and the event array intersect', () => {
    const rule = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matches(rule, event)).toBe(true);
    expect(matches(rule, { resources: [event.resources[0]] })).toBe(false);
  });

  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };

  it('RULER: an array of objects is crushed, so a nested pattern finds Anna', () => {
    expect(matches({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
  });

  it('RULER: multi-level arrays are crushed too', () => {
    const nested = {
      employees: [[employees.employees[0], employees.employees[1]], [employees.employees[2]]],
    };
    expect(matches({ employees: { firstName: ['Anna'] } }, nested)).toBe(true);
  });

  it('RULER (rulesForJSONEvent): fields from different elements of one array do not combine', () => {
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(false);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees)).toBe(true);
  });
});

describe('$or', () => {
  it('EB_OPERATORS: Location is "New York", or Day is "Monday"', () => {
    const rule = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matches(rule, { Location: 'New York', Day: 'Friday' })).toBe(true);
    expect(matches(rule, { Location: 'Paris', Day: 'Monday' })).toBe(true);
    expect(matches(rule, { Location: 'Paris', Day: 'Friday' })).toBe(false);
  });

  it('EB_OPERATORS: PaymentType is "Credit" or "Debit" (a value list is an or)', () => {
    expect(matches({ PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' })).toBe(true);
    expect(matches({ PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' })).toBe(false);
  });

  const cloudwatch = { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/EC2' };

  it('RULER: "source" && ("metricName" || "namespace")', () => {
    const rule = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matches(rule, cloudwatch)).toBe(true);
    expect(matches(rule, { ...cloudwatch, namespace: 'AWS/S3' })).toBe(false);
    expect(matches(rule, { ...cloudwatch, source: 'aws.ec2' })).toBe(false);
  });

  it('RULER: parallel "Or" at two levels', () => {
    const rule = {
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(
      matches(rule, { namespace: 'AWS/ES', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }),
    ).toBe(true);
    expect(matches(rule, { namespace: 'AWS/ES', detail: { source: 'aws.s3' } })).toBe(false);
  });

  it('RULER: nested "Or" and "And"', () => {
    const rule = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' };
    expect(matches(rule, { ...base, spaceId: 1000 })).toBe(true);
    expect(matches(rule, { ...base, spaceId: 1001 })).toBe(false);
    expect(matches(rule, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });
});

describe('complex example with multiple matching (EB_CONTENT, RULER)', () => {
  it('combines prefix, anything-but, numeric and cidr', () => {
    const rule = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(matches(rule, rulerEvent)).toBe(true);
    expect(matches(rule, withDetail({ 'x-limit': 300 }))).toBe(false);
    expect(matches(rule, { ...rulerEvent, time: '2017-10-03T00:00:00Z' })).toBe(false);
  });
});

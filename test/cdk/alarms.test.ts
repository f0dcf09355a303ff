// Template tests of the alarms and the optional notification topic.
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId, resourcesOf } from './helpers/stack.ts';

const quiet = buildStack();
const paging = buildStack({ alarmEmail: 'oncall@example.com', oldestMessageAgeAlarmMinutes: 20 });
const alarmProps = (built: ReturnType<typeof buildStack>, alarm: { node: { defaultChild?: unknown } }) =>
  resourcesOf(built)[logicalId(built, alarm)]?.Properties ?? {};

describe('alarms', () => {
  it('fire when the DLQ holds a message', () => {
    const alarm = alarmProps(quiet, quiet.stack.alarms.dlqNotEmpty);
    expect(alarm).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(alarm.Dimensions[0].Value).toEqual({
      'Fn::GetAtt': [logicalId(quiet, quiet.stack.queues.dlq), 'QueueName'],
    });
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('fire when the oldest queued command is older than the configured minutes', () => {
    const alarm = alarmProps(paging, paging.stack.alarms.oldestMessageAge);
    expect(alarm).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 20 * 60 });
    expect(alarm.Dimensions[0].Value).toEqual({
      'Fn::GetAtt': [logicalId(paging, paging.stack.queues.queue), 'QueueName'],
    });
  });

  it('fire on deliver function errors', () => {
    const alarm = alarmProps(quiet, quiet.stack.alarms.deliverErrors);
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1 });
    expect(alarm.Dimensions[0].Value).toEqual({ Ref: logicalId(quiet, quiet.stack.deliver.fn) });
  });

  it('fire on the UserflowUnauthorized metric deliver emits under its service name', () => {
    const alarm = alarmProps(quiet, quiet.stack.alarms.userflowUnauthorized);
    const deliverEnv =
      resourcesOf(quiet)[logicalId(quiet, quiet.stack.deliver.fn)]?.Properties.Environment.Variables;
    expect(alarm).toMatchObject({
      Namespace: deliverEnv.POWERTOOLS_METRICS_NAMESPACE,
      MetricName: 'UserflowUnauthorized',
      Dimensions: [{ Name: 'service', Value: deliverEnv.POWERTOOLS_SERVICE_NAME }],
    });
  });

  it('fire on any TrailWriteFailed, summed over every function that writes the trail', () => {
    const alarm = alarmProps(quiet, quiet.stack.trail.writeFailed);
    const [query] = alarm.Metrics;
    expect(query.Expression).toBe('SELECT SUM(TrailWriteFailed) FROM UserflowBridge');
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const ingestEnv =
      resourcesOf(quiet)[logicalId(quiet, quiet.stack.ingest.fn)]?.Properties.Environment.Variables;
    expect(ingestEnv.POWERTOOLS_METRICS_NAMESPACE).toBe('UserflowBridge');
  });

  it('fire when more rules skip than rulesSkippedAlarmThreshold, over every source and rule', () => {
    const tuned = buildStack({ rulesSkippedAlarmThreshold: 25 });
    const alarm = alarmProps(tuned, tuned.stack.trail.rulesSkipped);
    expect(alarm.Metrics[0].Expression).toBe('SELECT SUM(RulesSkipped) FROM UserflowBridge');
    expect(alarm).toMatchObject({ Threshold: 25, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarmProps(quiet, quiet.stack.trail.rulesSkipped).Threshold).toBe(10);
    expect(() => buildStack({ rulesSkippedAlarmThreshold: -1 })).toThrow(/rulesSkippedAlarmThreshold/);
  });

  it('notify nobody when no alarm email is configured', () => {
    expect(Object.values(resourcesOf(quiet)).some((r) => r.Type === 'AWS::SNS::Topic')).toBe(false);
    for (const alarm of quiet.stack.alarms.all())
      expect(alarmProps(quiet, alarm).AlarmActions).toBeUndefined();
  });

  it('notify the alarm email through an encrypted topic when one is configured', () => {
    const topic = paging.stack.alarmTopic?.topic;
    expect(topic).toBeDefined();
    const topicId = logicalId(paging, topic as NonNullable<typeof topic>);
    expect(resourcesOf(paging)[topicId]?.Properties.KmsMasterKeyId).toBeDefined();
    paging.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
    const { trail } = paging.stack;
    for (const alarm of [...paging.stack.alarms.all(), trail.writeFailed, trail.rulesSkipped]) {
      expect(alarmProps(paging, alarm).AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });
});

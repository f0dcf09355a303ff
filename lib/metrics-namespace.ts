// The CloudWatch namespace of the bridge's custom metrics: the functions emit into it, the stack's alarms and
// dashboard read from it.
export const METRICS_NAMESPACE = 'UserflowBridge';

// Test helper: an API Gateway HTTP API (payload format 2.0) event as the Lambda integration receives it.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface HttpApiRequest {
  method: string;
  /** e.g. `/webhooks/portal`, with an optional `?query`. */
  path: string;
  /** The matched route, e.g. `POST /webhooks/{source}`. */
  routeKey: string;
  pathParameters?: Record<string, string>;
  /** Lower-case names, as API Gateway hands them over. */
  headers: Record<string, string>;
  body?: string;
  now: Date;
}

export function apiGatewayV2Event(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?');
  const domainName = 'abc123.execute-api.eu-west-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath,
    rawQueryString,
    headers: {
      host: domainName,
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      ...request.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName,
      domainPrefix: 'abc123',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: request.headers['user-agent'] ?? 'bundle-test',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: request.routeKey,
      stage: '$default',
      time: '27/Nov/2026:03:00:00 +0000',
      timeEpoch: request.now.getTime(),
    },
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: false,
  };
}

// A scripted Transport for client tests: records each request, answers from a queue of responses or errors.
import type { HttpRequest, HttpResponse, Transport } from '../../../lib/userflow/index.ts';

export type Reply = HttpResponse | Error | ((request: HttpRequest) => HttpResponse);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    bodyText: JSON.stringify(body),
  };
}

export function fakeTransport(...replies: Reply[]): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const transport = async (request: HttpRequest) => {
    requests.push(request);
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`unexpected request ${request.method} ${request.url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(request) : reply;
  };
  return Object.assign(transport, { requests });
}

// The HTTP port of the client: one request in, status + headers + body text out. undici sits behind it.

export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  /** Limit for the whole exchange: connecting, waiting for headers and reading the body. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  bodyText: string;
}

/**
 * Sends one request. Resolves for every HTTP status (mapping statuses to errors is the client's job) and rejects
 * only when no response arrived (connection failure, timeout).
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

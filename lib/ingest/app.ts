// The ingest HTTP app (Hono): routes, body limit, content-type check and error mapping around the pipeline.
// The only ingest module that imports hono; `functions/ingest.ts` and local mode both serve it.
//
// POST /webhooks/:source, checks in this order (each rejection leaves the queue untouched):
//   404 unknown_source · 415 unsupported_media_type (stripe, hubspot-v3, standard-webhooks, paddle) ·
//   413 payload_too_large · 401 <signature reason> · 400 malformed_json / malformed_event ·
//   413 too_many_events (more events than `maxEventsPerRequest`) ·
//   413 message_too_large (an event whose command cannot fit one SQS message; the rest of a batch is queued) ·
//   500 secret_missing / secret_invalid · 503 secrets_unavailable / idempotency_unavailable / queue_* ·
//   409 event_in_progress (another request holds the event; Retry-After) ·
//   202 {accepted, commands, duplicate: false, events, duplicates, rulesSkipped} · 200 the same with
//   duplicate: true when every event of the request had been accepted before (nothing queued).
// With a trail, every request that reaches the webhook route, whatever its answer, leaves one intake record,
// written once the answer is decided (trail-writer.ts): the trail never changes an answer.
// 409 rather than 503 for an event in progress: nothing is wrong on our side, and the sender's retry, after
// the other request finished, is answered as a duplicate.
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { TrailConfig } from '../config/trail.ts';
import type { Logger } from '../logger.ts';
import { INGEST_IDEMPOTENCY_TTL_SECONDS } from '../policy.ts';
import type { Queue } from '../queue/queue.ts';
import type { SecretSource } from '../secrets/index.ts';
import type { WebhookRequest } from '../sources/index.ts';
import { timeOrderedId } from '../time-ordered-id.ts';
import type { TrailStore } from '../trail/store.ts';
import { isJsonContentType, schemeNeedsJson } from './content-type.ts';
import { createDedupe } from './dedupe.ts';
import { errorBody, toErrorResponse } from './error-response.ts';
import { IngestError } from './errors.ts';
import type { IngestMetrics } from './metrics.ts';
import { createIngestPipeline, type EventSummary, type IngestRules, type IngestSource } from './pipeline.ts';
import { readBodyWithin } from './read-body.ts';
import { checkReadiness, type ReadinessCheck } from './readiness.ts';
import { describeError, type RequestLog, writeRequestLog } from './request-log.ts';
import { reportSkips } from './skips.ts';
import { DEFAULT_TRAIL_CONFIG, intakeRecord } from './trail-record.ts';
import { createTrailWriter, type TrailWriter } from './trail-writer.ts';

export interface IngestDeps {
  /** A getter, so a hot reload can swap the rule set between requests. A `RuleSet` from `loadRules` fits. */
  rules: () => IngestRules;
  secrets: SecretSource;
  queue: Queue;
  /** Its own instance: Powertools configures a persistence layer once, for the first caller. */
  idempotency: BasePersistenceLayer;
  logger: Logger;
  clock?: () => Date;
  /** Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Events one request may carry (a HubSpot batch); more is answered 413 `too_many_events`. Default 1,000. */
  maxEventsPerRequest?: number;
  /**
   * The public origin senders call (`https://hooks.example.com`), when it differs from what the request shows
   * (a proxy, a tunnel, a custom domain in front of API Gateway). HubSpot v3 signs the full URL.
   */
  publicBaseUrl?: string;
  /** Default 4 days: Stripe retries for 3. */
  idempotencyTtlSeconds?: number;
  /** Default 30 s. See `DedupeOptions.inProgressSeconds`. */
  inProgressSeconds?: number;
  /** What `GET /readyz` asks, by name (`queue`, `idempotency`); none means ready whenever the process answers. */
  readiness?: Record<string, ReadinessCheck>;
  /** How long `/readyz` waits for one check. Default 2 s. */
  readinessTimeoutMs?: number;
  /** Hears each webhook's request log entry, with the request it is about (local mode's live lines). */
  onRequestLog?: (entry: RequestLog, request: Request) => void;
  /** The event trail: one intake record per webhook request, accepted or not. None: nothing is recorded. */
  trail?: TrailStore;
  /** Body limit and retention of trail records. Default: `TRAIL_BODY_LIMIT_BYTES` / `TRAIL_RETENTION_DAYS` defaults. */
  trailConfig?: TrailConfig;
  /** How long the answer waits for a trail write before counting it failed. Default 200 ms. */
  trailWriteTimeoutMs?: number;
  /**
   * Write trail records after answering instead of before (a long-lived server: local mode). Default false, as
   * Lambda may freeze the process as soon as the answer is returned.
   */
  trailInBackground?: boolean;
  /** `TrailWriteFailed` and `RulesSkipped`; none: not counted (the log lines are still written). */
  metrics?: IngestMetrics;
  /**
   * The id of each request's trail record. Default: a UUIDv7, which sorts by time, so each new record's key lands
   * at the end of the trail's index rather than on a random page.
   */
  requestId?: () => string;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_EVENTS_PER_REQUEST = 1_000;
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = INGEST_IDEMPOTENCY_TTL_SECONDS;
const DEFAULT_IN_PROGRESS_SECONDS = 30;
export const DEFAULT_TRAIL_WRITE_TIMEOUT_MS = 200;
const WEBHOOK_PATH = /^\/webhooks\/[^/]+$/;
const MAX_UNKNOWN_SOURCE_CHARS = 64;

type Env = {
  Variables: {
    source: IngestSource;
    startedAt: number;
    receivedAt: Date;
    rawBody: Uint8Array;
    headers: Record<string, string>;
  };
};

/** What the answer was, for the trail: the status and `accepted`, `duplicate` or the error code. */
interface Answer {
  status: number;
  outcome: string;
  errorCode?: string;
  events?: readonly EventSummary[];
  /** The body as the pipeline decoded it, when it did. */
  bodyText?: string | undefined;
}

/** The app, plus `drainTrail` for a clean stop: resolves once every trail write started so far has settled. */
export type IngestApp = Hono<Env> & { drainTrail(): Promise<void> };

export function createIngestApp(deps: IngestDeps): IngestApp {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const clock = deps.clock ?? (() => new Date());
  const pipeline = createIngestPipeline({
    secrets: deps.secrets,
    queue: deps.queue,
    clock,
    maxEvents: deps.maxEventsPerRequest ?? DEFAULT_MAX_EVENTS_PER_REQUEST,
    dedupe: createDedupe({
      persistence: deps.idempotency,
      ttlSeconds: deps.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS,
      inProgressSeconds: deps.inProgressSeconds ?? DEFAULT_IN_PROGRESS_SECONDS,
    }),
  });

  const log = (c: Context<Env>, entry: RequestLog) => {
    writeRequestLog(deps.logger, entry);
    deps.onRequestLog?.(entry, c.req.raw);
  };

  const trailConfig = deps.trailConfig ?? DEFAULT_TRAIL_CONFIG;
  const newRequestId = deps.requestId ?? (() => timeOrderedId());
  const writer: TrailWriter | undefined = deps.trail
    ? createTrailWriter({
        store: deps.trail,
        logger: deps.logger,
        metrics: deps.metrics,
        timeoutMs: deps.trailWriteTimeoutMs ?? DEFAULT_TRAIL_WRITE_TIMEOUT_MS,
        background: deps.trailInBackground === true,
      })
    : undefined;

  /** One intake record for the answer just decided; the record is built inside the writer, off the answer. */
  const record = (c: Context<Env>, answer: Answer): Promise<void> => {
    if (!writer) return Promise.resolve();
    const source: IngestSource | undefined = c.get('source');
    const rawBody = c.get('rawBody');
    const receivedAt = c.get('receivedAt') ?? clock();
    // Built once per request (hono copies every header into a new record each time it is asked).
    const headers = c.get('headers') ?? c.req.header();
    // An unknown source is recorded under the name sent, capped: the URL is the sender's to make up.
    const name = source?.name ?? (c.req.param('source') ?? '').slice(0, MAX_UNKNOWN_SOURCE_CHARS);
    return writer.record(() =>
      intakeRecord(
        {
          requestId: newRequestId(),
          source: name,
          receivedAt,
          status: answer.status,
          outcome: answer.outcome,
          ...(answer.errorCode === undefined ? {} : { errorCode: answer.errorCode }),
          headers,
          ...(rawBody ? { rawBody } : {}),
          ...(answer.bodyText === undefined ? {} : { bodyText: answer.bodyText }),
          ...(source ? { compiled: source } : {}),
          events: answer.events ?? [],
        },
        trailConfig,
      ),
    );
  };

  /** Logs the request, records it and answers the error; every early exit goes through here. */
  const reject = async (c: Context<Env>, error: IngestError) => {
    const response = toErrorResponse(error);
    const code = response.body.error.code;
    log(c, {
      source: c.req.param('source') ?? '',
      status: response.status,
      outcome: code,
      latencyMs: performance.now() - (c.get('startedAt') ?? performance.now()),
    });
    await record(c, { status: response.status, outcome: code, errorCode: code });
    return c.json(response.body, response.status as ContentfulStatusCode, response.headers);
  };

  const app = new Hono<Env>();

  // Liveness: the process answers.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Readiness: a webhook sent now could be accepted (503 with Retry-After and the failing checks otherwise).
  app.get('/readyz', async (c) => {
    const readiness = await checkReadiness(deps.readiness ?? {}, deps.readinessTimeoutMs);
    if (readiness.ready) return c.json({ status: 'ready', checks: readiness.checks });
    const failing = Object.keys(readiness.errors);
    deps.logger.warn('not ready', {
      checks: readiness.checks,
      errors: Object.fromEntries(failing.map((name) => [name, describeError(readiness.errors[name])])),
    });
    return c.json(
      { ...errorBody('not_ready', `not ready: ${failing.join(', ')}`), checks: readiness.checks },
      503,
      { 'retry-after': '5' },
    );
  });

  app.post(
    '/webhooks/:source',
    // Cheap checks first, before a byte of the body is read.
    async (c, next) => {
      c.set('startedAt', performance.now());
      c.set('receivedAt', clock());
      const source = deps.rules().get(c.req.param('source'));
      if (!source)
        return reject(c, new IngestError('unknown_source', 'no source is configured under this name'));
      if (schemeNeedsJson(source.verify.scheme) && !isJsonContentType(c.req.header('content-type'))) {
        return reject(
          c,
          new IngestError('unsupported_media_type', 'this source accepts application/json only'),
        );
      }
      c.set('source', source);
      await next();
    },
    async (c) => {
      // Read once, as bytes: the signature covers them exactly, and a re-encoded body would not verify.
      const rawBody = await readBodyWithin(c.req.raw, limit);
      if (!rawBody) return reject(c, tooLarge(limit));
      c.set('rawBody', rawBody);
      const headers = c.req.header();
      c.set('headers', headers);
      const request: WebhookRequest = {
        method: c.req.method,
        url: publicUrl(c.req.url, deps.publicBaseUrl),
        headers,
        rawBody,
      };
      const source = c.get('source');
      const outcome = await pipeline(source, request);
      const latencyMs = performance.now() - c.get('startedAt');
      reportSkips(deps.logger, deps.metrics, source.name, outcome.events);
      if (!outcome.ok) {
        const response = toErrorResponse(outcome.error);
        log(c, {
          source: source.name,
          status: response.status,
          outcome: outcome.error.code,
          latencyMs,
          events: outcome.events,
          ...(response.status >= 500 ? { error: describeError(outcome.error) } : {}),
        });
        await record(c, {
          status: response.status,
          outcome: outcome.error.code,
          errorCode: outcome.error.code,
          events: outcome.events,
          bodyText: outcome.bodyText,
        });
        return c.json(response.body, response.status as ContentfulStatusCode, response.headers);
      }
      const accepted = outcome.body.duplicate ? 'duplicate' : 'accepted';
      log(c, {
        source: source.name,
        status: outcome.status,
        outcome: accepted,
        latencyMs,
        events: outcome.events,
        accepted: outcome.body.accepted,
        duplicates: outcome.body.duplicates,
      });
      await record(c, {
        status: outcome.status,
        outcome: accepted,
        events: outcome.events,
        bodyText: outcome.bodyText,
      });
      return c.json(outcome.body, outcome.status);
    },
  );

  app.all('/webhooks/:source', (c) =>
    c.json(errorBody('method_not_allowed', 'webhooks are POSTed'), 405, { allow: 'POST' }),
  );
  app.notFound((c) => c.json(errorBody('not_found', 'no such route'), 404));
  app.onError(async (error, c) => {
    deps.logger.error('unhandled error in ingest app', { path: c.req.path, error: describeError(error) });
    if (c.req.method === 'POST' && WEBHOOK_PATH.test(c.req.path)) {
      await record(c, { status: 500, outcome: 'internal_error', errorCode: 'internal_error' });
    }
    return c.json(errorBody('internal_error', 'the request could not be processed'), 500);
  });
  return Object.assign(app, { drainTrail: () => writer?.drain() ?? Promise.resolve() });
}

function tooLarge(limit: number): IngestError {
  return new IngestError('payload_too_large', `the body is larger than ${limit} bytes`);
}

function publicUrl(requestUrl: string, publicBaseUrl: string | undefined): string {
  if (!publicBaseUrl) return requestUrl;
  const url = new URL(requestUrl);
  return `${publicBaseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
}

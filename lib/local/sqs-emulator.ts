// The in-process SQS emulator for `start --queue emulator` (fauxqs, a devDependency): the one lib module importing it.
import { ConfigError } from '../errors.ts';

export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface EmulatedFifoQueue {
  url: string;
  arn: string;
  dlq: { url: string; arn: string };
}

export interface RunningSqsEmulator {
  /** `http://127.0.0.1:N`: the SQS endpoint (keeps no state across restarts). */
  endpoint: string;
  /** A FIFO queue and its FIFO DLQ, with a RedrivePolicy as in AWS. */
  createFifoQueue(
    name: string,
    options: { maxReceiveCount: number; visibilityTimeoutSeconds: number },
  ): Promise<EmulatedFifoQueue>;
  close(): Promise<void>;
}

interface FauxqsModule {
  buildApp(options: { logger?: boolean; defaultRegion?: string }): {
    listen(options: { host: string; port: number }): Promise<string>;
    close(): Promise<unknown>;
  };
}

export async function startSqsEmulator(options: { port?: number } = {}): Promise<RunningSqsEmulator> {
  let fauxqs: FauxqsModule;
  try {
    fauxqs = (await import('fauxqs')) as unknown as FauxqsModule;
  } catch (error) {
    throw new ConfigError(
      '--queue emulator needs the fauxqs package (a devDependency): run `npm install` without --omit=dev, ' +
        'or use the default embedded queue',
      [],
      error,
    );
  }
  // fauxqs' own startFauxqs binds 0.0.0.0; buildApp lets the emulator stay on loopback.
  const app = fauxqs.buildApp({ logger: false, defaultRegion: EMULATOR_REGION });
  const endpoint = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });

  /** Queue management over the SQS JSON protocol itself, so this module needs no AWS SDK. */
  async function call(action: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new ConfigError(`the SQS emulator refused ${action}: ${JSON.stringify(json)}`);
    return json;
  }

  async function create(name: string, attributes: Record<string, string>) {
    const { QueueUrl } = (await call('CreateQueue', {
      QueueName: `${name}.fifo`,
      Attributes: { FifoQueue: 'true', ...attributes },
    })) as { QueueUrl: string };
    const { Attributes } = (await call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['QueueArn'],
    })) as { Attributes: { QueueArn: string } };
    return { url: QueueUrl, arn: Attributes.QueueArn };
  }

  return {
    endpoint,
    async createFifoQueue(name, { maxReceiveCount, visibilityTimeoutSeconds }) {
      const dlq = await create(`${name}-dlq`, {});
      const main = await create(name, {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
      });
      return { ...main, dlq };
    },
    async close() {
      await app.close();
    },
  };
}

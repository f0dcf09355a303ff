// Starts fauxqs (the npm SQS emulator) on loopback for a test, with an SDK client and FIFO queue + DLQ factory.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export const EMULATOR_REGION = 'eu-west-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface FifoQueueOptions {
  /** Create a FIFO DLQ with a RedrivePolicy: `true` names it `<name>-dlq.fifo`, a string names it. */
  dlq?: boolean | string;
  /** Receives before a message moves to the DLQ (default 3; used only with `dlq`). */
  maxReceiveCount?: number;
  /** Default visibility timeout of the queue in seconds (default 30, as SQS). */
  visibilityTimeout?: number;
}

export interface CreatedQueue {
  url: string;
  arn: string;
  /** The DLQ, when one was asked for. */
  dlq?: { url: string; arn: string };
}

export interface SqsEmulator {
  /** `http://127.0.0.1:<port>`: give it as `endpoint` to every SQS client. */
  endpoint: string;
  region: string;
  client: SQSClient;
  /** Client config for adapters that build their own client (e.g. `createSqsQueue`). */
  clientConfig: { endpoint: string; region: string; credentials: typeof EMULATOR_CREDENTIALS };
  createFifoQueue(name: string, options?: FifoQueueOptions): Promise<CreatedQueue>;
  close(): Promise<void>;
}

/** fauxqs' own `startFauxqs` binds 0.0.0.0; `buildApp` lets us stay on loopback (a 0.0.0.0 bind would expose the emulator beyond this machine). */
export async function startSqsEmulator(): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, defaultRegion: EMULATOR_REGION });
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  const clientConfig = { endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
  const client = new SQSClient(clientConfig);

  async function create(name: string, attributes: Partial<Record<QueueAttributeName, string>>) {
    const created = await client.send(
      new CreateQueueCommand({ QueueName: fifoName(name), Attributes: { FifoQueue: 'true', ...attributes } }),
    );
    const url = created.QueueUrl;
    if (!url) throw new Error(`emulator returned no QueueUrl for ${name}`);
    const attrs = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = attrs.Attributes?.QueueArn;
    if (!arn) throw new Error(`emulator returned no QueueArn for ${name}`);
    return { url, arn };
  }

  return {
    endpoint,
    region: EMULATOR_REGION,
    client,
    clientConfig,
    async createFifoQueue(name, options = {}) {
      const base = fifoName(name).slice(0, -'.fifo'.length);
      const attributes: Partial<Record<QueueAttributeName, string>> = {
        VisibilityTimeout: String(options.visibilityTimeout ?? 30),
      };
      let dlq: { url: string; arn: string } | undefined;
      if (options.dlq) {
        dlq = await create(typeof options.dlq === 'string' ? options.dlq : `${base}-dlq`, {});
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        });
      }
      const main = await create(base, attributes);
      return dlq ? { ...main, dlq } : main;
    },
    async close() {
      client.destroy();
      await app.close();
    },
  };
}

function fifoName(name: string): string {
  return name.endsWith('.fifo') ? name : `${name}.fifo`;
}

// `userflow-bridge send`: post a payload signed as the source's real sender would, and print the bridge's answer.
import type { Command } from 'commander';

interface SendFlags {
  url?: string;
  rules?: string;
  localDir: string;
  envFile: string;
  secret?: string;
  eventId?: string;
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description(
      'Sign a webhook payload with its source’s scheme and secret, post it to the bridge, print the answer.',
    )
    .argument('<source>', 'source name, as in the rule file (e.g. stripe)')
    .argument(
      '<payload>',
      'JSON file to send as the body, byte for byte (e.g. samples/stripe/trial-converted.json)',
    )
    .option('--url <url>', 'the bridge (origin or full webhook URL; default http://127.0.0.1:$PORT or :8787)')
    .option('--rules <dir>', 'rule files that define the source (env RULES_DIR; default rules)')
    .option('--local-dir <dir>', 'where `start` keeps development secrets', '.local')
    .option('--env-file <path>', 'file with the webhook secrets, under the environment', '.env')
    .option('--secret <value>', 'sign with this secret instead of the configured one')
    .option(
      '--event-id <id>',
      'Standard Webhooks webhook-id (default: a new one; repeat one to see deduplication)',
    )
    .addHelpText(
      'after',
      '\nExits 0 when the bridge answers 2xx, 1 otherwise.\n\nExample:\n' +
        '  npx userflow-bridge send stripe samples/stripe/trial-converted.json',
    )
    .action(async (source: string, payload: string, flags: SendFlags) => {
      const [{ sendWebhook }, { localEnv }] = await Promise.all([
        import('../local/send-webhook.ts'),
        import('../config/dotenv.ts'),
      ]);
      const env = localEnv(process.env, flags.envFile);
      const result = await sendWebhook({
        source,
        payloadPath: payload,
        rulesDir: flags.rules ?? env.RULES_DIR ?? 'rules',
        localDir: flags.localDir,
        env,
        ...(flags.url ? { url: flags.url } : {}),
        ...(flags.secret !== undefined ? { secret: flags.secret } : {}),
        ...(flags.eventId ? { eventId: flags.eventId } : {}),
      });
      process.stdout.write(
        `POST ${result.url} (signed with ${result.signedWith})\n${result.status} ${result.statusText}\n` +
          `${typeof result.body === 'string' ? result.body : JSON.stringify(result.body, null, 2)}\n`,
      );
      if (result.status < 200 || result.status > 299) process.exitCode = 1;
    });
}

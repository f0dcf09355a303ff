// `userflow-bridge mcp`: the agent tools over stdio, for desktop agents that spawn their servers.
import type { Command } from 'commander';

interface McpFlags {
  localDir: string;
  rules: string;
  envFile: string;
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description(
      'Serve the Userflow agent tools (MCP) over stdio for the principal whose token is in UFB_TOKEN.',
    )
    .option('--local-dir <dir>', 'where local mode keeps its state (principals, queue, trail)', '.local')
    .option('--rules <dir>', 'rule files, for bridge_test_rule (env RULES_DIR; default rules)')
    .option('--env-file <path>', 'file read under the environment', '.env')
    .addHelpText(
      'after',
      '\nEnvironment:\n  UFB_TOKEN         the token `principals create` printed (required)\n' +
        '  USERFLOW_API_KEY  the environment API key, for reads (required)\n' +
        '  USERFLOW_API_URL  base URL instead of the region host, e.g. the sandbox\n' +
        '\nWrites are queued on the local webhooks queue; `npm start` delivers them. Logs go to stderr.',
    )
    .action(async (flags: McpFlags & { rules?: string }) => {
      const [{ localEnv }, { runStdioServer }, { loadRules }, { existsSync }] = await Promise.all([
        import('../config/dotenv.ts'),
        import('./mcp-stdio.ts'),
        import('../rules/index.ts'),
        import('node:fs'),
      ]);
      const env = localEnv(process.env, flags.envFile);
      const rulesDir = flags.rules ?? env.RULES_DIR ?? 'rules';
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Rules only feed bridge_test_rule: without them the other tools still serve.
      const rules = existsSync(rulesDir)
        ? await loadRules(rulesDir).catch((error: Error) => {
            log(`rules in ${rulesDir} not loaded (bridge_test_rule is off): ${error.message.split('\n')[0]}`);
            return undefined;
          })
        : undefined;
      await runStdioServer({ localDir: flags.localDir, env, ...(rules ? { rules } : {}), log });
    });
}

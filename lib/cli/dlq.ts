// `userflow-bridge dlq`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerDlq(program: Command): void {
  program
    .command('dlq')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`dlq` is not built yet', { code: 'not_built', retryable: false });
    });
}

// `userflow-bridge sync`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`sync` is not built yet', { code: 'not_built', retryable: false });
    });
}

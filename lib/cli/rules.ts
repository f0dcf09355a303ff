// `userflow-bridge rules`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`rules` is not built yet', { code: 'not_built', retryable: false });
    });
}

// `userflow-bridge start`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`start` is not built yet', { code: 'not_built', retryable: false });
    });
}

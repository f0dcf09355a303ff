// `userflow-bridge userflow`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerUserflow(program: Command): void {
  program
    .command('userflow')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`userflow` is not built yet', { code: 'not_built', retryable: false });
    });
}

// `userflow-bridge send`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`send` is not built yet', { code: 'not_built', retryable: false });
    });
}

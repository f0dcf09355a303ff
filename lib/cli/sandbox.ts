// `userflow-bridge sandbox`: not built yet (see README "Status").
import type { Command } from 'commander';
import { BridgeError } from '../errors.ts';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new BridgeError('`sandbox` is not built yet', { code: 'not_built', retryable: false });
    });
}

// The sandbox as the bridge's tests start it: the strict profile unless a test says otherwise, so nothing the
// bridge does passes here that Userflow might refuse. The sandbox's own tests start it with its defaults.
import {
  type RunningSandbox,
  type StartSandboxOptions,
  startSandbox as startDefaultSandbox,
} from '../../lib/sandbox/index.ts';

export function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  return startDefaultSandbox({ profile: 'strict', ...options });
}

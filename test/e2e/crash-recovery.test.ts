// SIGKILL mid-stream: every webhook the bridge acknowledged (2xx) still reaches Userflow after a restart on the
// same local directory. The sandbox runs in the test process, so it outlives the kill (as Userflow would); the
// first run delivers slowly, so the kill lands while commands are queued and in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../lib/sandbox/index.ts';
import { startSandbox } from '../helpers/sandbox.ts';
import {
  type Checkout,
  cleanEnv,
  type StartedBridge,
  scratchCheckout,
  startBridgeProcess,
} from '../helpers/spawn-cli.ts';
import { arrivedSignups, PORTAL_SECRET, postSignup } from './portal-signups.ts';
import { eventually } from './support.ts';

const RUN = 'crash';
const ACKED_BEFORE_KILL = 16;

describe('a killed bridge loses no acknowledged webhook', () => {
  let checkout: Checkout;
  let sandbox: RunningSandbox;
  let sandboxUrl: string;
  let env: Record<string, string>;
  const bridges: StartedBridge[] = [];

  beforeAll(async () => {
    checkout = scratchCheckout({ rules: ['portal.yaml'] });
    sandbox = await startSandbox({ seed: 'none', faults: { slowRate: 1, slowMs: 50 } });
    sandboxUrl = sandbox.url;
    // A real API key: the bridge delivers to the sandbox process as it would to Userflow.
    env = cleanEnv({
      USERFLOW_API_KEY: 'ak_sandbox',
      USERFLOW_API_URL: sandboxUrl,
      PORTAL_WEBHOOK_SECRET: PORTAL_SECRET,
    });
  });

  afterAll(async () => {
    for (const bridge of bridges) bridge.cli.child.kill('SIGKILL');
    await sandbox?.close();
    checkout?.remove();
  });

  it('delivers after a restart what was acknowledged before the kill', async () => {
    // A short visibility timeout, so the killed run's in-flight batches come back quickly.
    const args = ['--quiet', '--visibility-timeout', '2'];
    const first = await startBridgeProcess({ cwd: checkout.dir, env, args: [...args, '--rate-limit', '3'] });
    bridges.push(first);
    expect(first.banner).toContain(`delivering to Userflow at ${sandboxUrl}`);
    expect(first.banner).not.toContain('Development webhook secrets');

    const acked: number[] = [];
    for (let i = 0; acked.length < ACKED_BEFORE_KILL; i++) {
      const status = await postSignup(first.ingestUrl, RUN, i);
      expect(status).toBe(202);
      acked.push(i);
    }
    first.cli.child.kill('SIGKILL');
    expect(await first.cli.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The kill came mid-stream: not everything had reached Userflow yet.
    const beforeRestart = await arrivedSignups(sandboxUrl, RUN, acked);
    expect(beforeRestart.length).toBeLessThan(acked.length);

    const second = await startBridgeProcess({
      cwd: checkout.dir,
      env,
      args: [...args, '--rate-limit', '200'],
    });
    bridges.push(second);
    const arrived = await eventually(
      async () => {
        const now = await arrivedSignups(sandboxUrl, RUN, acked);
        return now.length === acked.length && now;
      },
      'every acknowledged signup in the sandbox',
      30_000,
    );
    expect(arrived).toEqual(acked);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  }, 90_000); // two process starts and a redelivery, on a busy CI machine
});

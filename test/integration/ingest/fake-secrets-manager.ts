// Kept so existing importers (test/integration/sync/function.test.ts) need no change: the one fake lives in test/helpers.
export { type FakeSecretsManager, startFakeSecretsManager } from '../../helpers/fake-secrets-manager.ts';

// Public surface of the secrets module: the SecretSource port, its env adapter and its error family.
// The Secrets Manager adapter is imported from `./secrets-manager.ts` directly, so local mode never loads the SDK.
export { envSecretSource } from './env.ts';
export { SecretInvalidError, SecretMissingError, SecretsUnavailableError } from './errors.ts';
export { parseSecretValue, type SecretSource } from './secret-source.ts';

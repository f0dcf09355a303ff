// The env secret source and the value format shared by every secret source (one secret or a rotation list).
import { describe, expect, it } from 'vitest';
import { envSecretSource, SecretInvalidError, SecretMissingError } from '../../../lib/secrets/index.ts';

describe('envSecretSource', () => {
  it('returns a single secret as a one-item list, without surrounding whitespace', async () => {
    expect(await envSecretSource({ S: ' whsec_abc \n' }).get('S')).toEqual(['whsec_abc']);
  });

  it('returns every secret of a JSON array value (rotation)', async () => {
    expect(await envSecretSource({ S: '["whsec_new", "whsec_old"]' }).get('S')).toEqual([
      'whsec_new',
      'whsec_old',
    ]);
  });

  it('sees a change of the env object on the next call', async () => {
    const env: Record<string, string> = { S: 'one' };
    const secrets = envSecretSource(env);
    await secrets.get('S');
    env.S = 'two';
    expect(await secrets.get('S')).toEqual(['two']);
  });

  it.each([
    ['unset', {}],
    ['blank', { S: '   ' }],
  ])('an %s variable is secret_missing naming the variable', async (_, env) => {
    const error = await envSecretSource(env)
      .get('S')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretMissingError);
    expect((error as SecretMissingError).secretName).toBe('S');
    expect((error as SecretMissingError).status).toBe(500);
  });

  it.each([
    ['a broken JSON array', '["whsec_secret_a", '],
    ['an empty array', '[]'],
    ['an array with a non-string', '["whsec_secret_a", 3]'],
    ['an array with a blank string', '["whsec_secret_a", " "]'],
  ])('%s is secret_invalid and the message does not quote the value', async (_, value) => {
    const error = await envSecretSource({ S: value })
      .get('S')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretInvalidError);
    expect((error as Error).message).not.toContain('whsec_secret_a');
  });
});

// The JSON Schema for editors: written by `npm run schema`, never stale, and agreeing with the real validator.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleFileJsonSchema } from '../../../lib/rules/index.ts';
import { ROOT, renderSchema, SCHEMA_FILES, staleSchemaFiles } from '../../../scripts/write-schemas.ts';
import { ruleFileText } from './helpers.ts';

describe('schema files', () => {
  it('are up to date with the code (run `npm run schema` after changing a schema)', async () => {
    expect(await staleSchemaFiles()).toEqual([]);
  });

  it('include the rule-file schema', () => {
    expect(SCHEMA_FILES.map((file) => file.path)).toContain('rules/schema.json');
  });

  it('are reported stale when edited by hand or missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'schemas-'));
    const all = SCHEMA_FILES.map((file) => file.path);
    try {
      expect(await staleSchemaFiles(root)).toEqual(all);
      for (const { path, schema } of SCHEMA_FILES) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), renderSchema(schema()));
      }
      expect(await staleSchemaFiles(root)).toEqual([]);
      await writeFile(
        join(root, 'rules/schema.json'),
        renderSchema({ ...ruleFileJsonSchema(), title: 'edited' }),
      );
      expect(await staleSchemaFiles(root)).toEqual(['rules/schema.json']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('rules/schema.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'rules/schema.json'), 'utf8')));

  it.each(['stripe', 'hubspot', 'portal'])('accepts the shipped %s rules', (name) => {
    const data = parse(readFileSync(join(ROOT, 'rules', `${name}.yaml`), 'utf8'));
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  const rule = '  - name: r\n    when: { type: [a] }\n    do:\n';
  it.each([
    ['an unknown action', `${rule}      - send_email: { to: x }\n`],
    ['a misspelt action field', `${rule}      - delete_user: { userid: u }\n`],
    [
      'a scalar in a pattern',
      '  - name: r\n    when: { type: a }\n    do: [{ delete_user: { user_id: u } }]\n',
    ],
    [
      'an unknown pattern operator',
      '  - name: r\n    when: { type: [{ contains: a }] }\n    do: [{ delete_user: { user_id: u } }]\n',
    ],
  ])('rejects %s, like the loader does', (_name, rules) => {
    expect(validate(parse(ruleFileText(rules)))).toBe(false);
  });
});

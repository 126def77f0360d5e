import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { featureResolvers } from '../../src/features';
import { printAppSchema } from '../../src/schema';

const root = resolve(__dirname, '../..');

describe('schema artifacts', () => {
  it('schema.graphql is the schema the code builds', async () => {
    const committed = await readFile(resolve(root, 'schema.graphql'), 'utf8');
    const built = await printAppSchema(featureResolvers());
    if (built !== committed) {
      throw new Error(
        'schema.graphql differs from the schema the code builds: run `npm run schema:emit`, review the diff and commit it',
      );
    }
  });

  it('test/generated/graphql.ts is current with schema.graphql and the .graphql documents', async () => {
    const codegen = resolve(root, 'node_modules/.bin/graphql-codegen');
    try {
      await promisify(execFile)(codegen, ['--config', 'codegen.yml', '--check'], { cwd: root });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      throw new Error(
        `Generated operations are stale or a document is invalid: run \`npm run codegen\` and commit test/generated.\n${output}`,
        {
          cause: error,
        },
      );
    }
  });
});

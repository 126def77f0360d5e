import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrincipalByKey } from '../../src/auth/apiKeys';
import { openStore } from '../../src/datasources/store';
import { featureResolvers } from '../../src/features';
import { printAppSchema } from '../../src/schema';
import { runTs } from './spawn';

describe('npm run cli', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runTs('src/cli/index.ts', args, { DATA_DIR: dataDir, LOG_LEVEL: 'info' });

  it('create-api-key prints the key alone on the last line and stores only its hash', async () => {
    const result = await cli('create-api-key', '--role', 'agent', '--name', 'Agent Smith', '--agent-id', 'agent-42');
    expect(result.code).toBe(0);
    const key = result.stdout.trimEnd().split('\n').at(-1)!;
    expect(key).toMatch(/^chk_[A-Za-z0-9_-]{43}$/);
    const store = await openStore({ dataDir });
    try {
      expect(await findPrincipalByKey(store.db, key)).toMatchObject({
        role: 'AGENT',
        name: 'Agent Smith',
        agentId: 'agent-42',
      });
      const stored = await store.db.collection('api_keys').find({}).toArray();
      expect(JSON.stringify(stored)).not.toContain(key);
    } finally {
      await store.close();
    }
  });

  it.each([
    [['no-such-command'], /Unknown command "no-such-command"/],
    [['create-api-key', '--role', 'root', '--name', 'x'], /role: one of admin, operator, agent, viewer/],
    [['create-api-key', '--role', 'admin'], /--name is required/],
    [['create-api-key', '--role', 'admin', '--name', 'x', '--colour', 'red'], /unknown flag --colour/],
    [['create-api-key', '--role', 'agent', '--name', 'x'], /agentId: required for role AGENT/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('emit-schema writes the SDL of the code (schema.test.ts compares it with the committed file)', async () => {
    const out = join(dataDir, 'schema.graphql');
    const result = await cli('emit-schema', '--out', out);
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await printAppSchema(featureResolvers()));
  });
});

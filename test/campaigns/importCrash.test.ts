import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { C, type AudienceImportDoc, type MemberDoc, type MembershipDoc } from '../../src/services/campaigns/model';
import type { LeadImportDoc } from '../../src/services/leads/model';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { uploadLeadsMutation } from '../leads/wsSupport';

/** Runs importChild.ts on `dataDir` until it has staged part of an import, then kills it with SIGKILL. */
async function killMidImport(dataDir: string, kind: 'audience' | 'leads'): Promise<Record<string, string>> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'importChild.ts'), dataDir, kind],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let started: Record<string, string> | null = null;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('staged ')) {
      started = JSON.parse(line.slice('staged '.length));
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  if (!started) throw new Error('the child ended before it staged anything');
  // past the lease: the dead process's heartbeat is older than half of the 1 s visibility timeout
  await new Promise((resolve) => setTimeout(resolve, 1200));
  return started;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

/**
 * A long-running import whose process was killed does not stay RUNNING: the next service on the
 * data directory finds its lease expired, finishes it as FAILED with a reason, and the upload
 * can be retried.
 */
describe('imports killed with kill -9', () => {
  let dataDir: string;
  let server: TestServer | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'import-kill-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startTestServer({ DATA_DIR: dataDir, JOB_VISIBILITY_TIMEOUT_SECONDS: '1' });

  it('an audience import is marked FAILED, its staged rows and member writes undone, and can be retried', async () => {
    const { audienceId } = await killMidImport(dataDir, 'audience');
    server = await start();
    const db = server.app.db;
    const crashed = await waitFor(
      () => db.collection<AudienceImportDoc>(C.imports).findOne({ audienceId, filename: 'crashed.csv' }),
      (doc) => doc?.status !== 'RUNNING',
    );
    expect(crashed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/stopped/) });
    expect(crashed!.finishedAt).toBeInstanceOf(Date);
    // the REPLACE never published: the audience is as it was, and its staged rows are gone
    expect(await db.collection<MembershipDoc>(C.memberships).countDocuments({ audienceId })).toBe(3);
    // and so are its members: the ones it created are gone, the one it overwrote has its name back
    const members = db.collection<MemberDoc>(C.members);
    expect(await members.countDocuments({})).toBe(3);
    expect(await members.findOne({ email: 'kept1@example.com' })).toMatchObject({ name: 'Kept 1' });

    const operator = await server.createApiKey('operator');
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query:
          'mutation($a: ID!, $f: Upload!) { importAudienceMembers(audienceId: $a, file: $f, mode: REPLACE) ' +
          '{ status counts { addedToAudience removedFromAudience } } }',
        variables: { a: audienceId, f: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob(['email\nkept1@example.com\nretried@example.com\n']), 'retry.csv');
    const response = await fetch(server.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${operator}`, 'apollo-require-preflight': 'true' },
    });
    const retried = (await response.json()) as { data?: { importAudienceMembers: unknown }; errors?: unknown[] };
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.importAudienceMembers).toEqual({
      status: 'SUCCEEDED',
      counts: { addedToAudience: 1, removedFromAudience: 2 },
    });
    const count = await graphql<{ audience: { memberCount: number } }>(
      server.url,
      `
        query ($id: ID!) {
          audience(id: $id) {
            memberCount
          }
        }
      `,
      { id: audienceId },
      { key: operator },
    );
    expect(count.data?.audience.memberCount).toBe(2);
  }, 60_000);

  it('a lead import is marked FAILED with a reason and the list can be uploaded again', async () => {
    await killMidImport(dataDir, 'leads');
    server = await start();
    const db = server.app.db;
    const crashed = await waitFor(
      () => db.collection<LeadImportDoc>('lead_imports').findOne({ listName: 'crashed' }),
      (doc) => doc?.status !== 'RUNNING',
    );
    expect(crashed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/stopped/), accepted: 0 });
    expect(await db.collection('leads').countDocuments({ importId: crashed!._id })).toBe(0);
    const operator = await server.createApiKey('operator');
    const again = await uploadLeadsMutation(
      server.url,
      operator,
      Buffer.from('email\nstaged1@example.com\n'),
      'leads.csv',
      'crashed',
    );
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.uploadLeads).toMatchObject({ accepted: 1 });
  }, 60_000);
});

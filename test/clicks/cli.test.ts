import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';

/** Runs the CLI in-process with its own data directory, returning the exit code and stdout. */
async function cli(env: Record<string, string>, ...argv: string[]) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await runCli(argv), out };
  } finally {
    write.mockRestore();
    errors.mockRestore();
    process.env = saved;
  }
}

describe('import-clicks and sync-clicks', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clicks-cli-'));
    env = {
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
      SCHEDULES: 'false',
      JOB_WORKERS: 'false',
      QUEUE_POLL_INTERVAL_MS: '20',
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports a CSV for a new business unit, then syncs it until the backlog is empty', async () => {
    const csv = join(dir, 'rows.csv');
    await writeFile(
      csv,
      [
        'JobID,BatchID,ListID,SubscriberKey,SubscriberID,EventDate,URL,LinkName,LinkContent,IsUnique,EventID',
        '1,1,9,ann,11,3/8/2026 1:30:00 AM,https://e.com/a,a,a,True,e1',
        '1,1,9,ann,11,2026-03-08T01:35:00,https://e.com/a,a,a,False,e2',
        '1,1,9,ann,11,2026-03-08T01:35:00,https://e.com/a,a,a,False,e2',
        ',1,9,bob,12,2026-03-08T01:40:00,https://e.com/a,a,a,False,e3',
      ].join('\n'),
    );
    const imported = await cli(env, 'import-clicks', '--bu', 'Test BU', '--file', csv);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ bu: 'Test BU', rows: 4 });

    const synced = await cli(env, 'sync-clicks', '--bu', 'test bu');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.out)).toMatchObject({
      bu: 'Test BU',
      loaded: 4,
      rows: 4,
      clicks: 3,
      rejected: 1,
      eventKeys: 1,
      acknowledged: 4,
      backlog: 0,
      watermark: '2026-03-08T07:40:00.000Z',
    });
  });

  it('names a wrong flag or business unit with exit code 2', async () => {
    expect((await cli(env, 'sync-clicks')).code).toBe(2);
    expect((await cli(env, 'sync-clicks', '--bu', 'nobody')).code).toBe(2);
  });
});

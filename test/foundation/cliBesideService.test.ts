import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { graphql } from '../support/graphql';
import { finished, logLine, runTs, spawnTs } from './spawn';

const root = resolve(__dirname, '../..');

/** What runs a whole pipeline in the service (the demo, commands that sync): tens of seconds on a busy machine. */
const PIPELINE_TEST_MS = 120_000;

/**
 * One writing process per data directory: a second service is refused, and CLI commands run
 * beside the service go through its API (GraphQL, or its command route) instead of writing the store.
 */
describe('the CLI beside a running service', () => {
  let dataDir: string;
  let service: ChildProcessWithoutNullStreams;
  let url: string;
  let adminKey: string;

  const env = () => ({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', SCHEDULES: 'false' });
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runTs('src/cli/index.ts', args, { ...env(), ...extra });
  const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-cli-service-'));
    // No service yet: the CLI opens the store itself.
    const created = await cli(['create-api-key', '--role', 'admin', '--name', 'operator']);
    expect(created.code).toBe(0);
    adminKey = lastLine(created.stdout);
    service = spawnTs('src/main.ts', [], { ...env(), LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' });
    const listening = await logLine(service, (line) => line.msg === 'Campaign Hub is listening');
    url = String(listening.url);
  });
  afterAll(async () => {
    if (service.exitCode === null && service.signalCode === null) {
      service.kill('SIGKILL');
      await once(service, 'exit');
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second service on the data directory at once, naming the first', async () => {
    const second = await finished(spawnTs('src/main.ts', [], { ...env(), PORT: '0', HOST: '127.0.0.1' }));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${service.pid} on ${hostname()}`);
    expect(second.stderr).toMatch(/since \d{4}-\d\d-\d\dT.*\(service\)/);
  });

  it('creates a key through the service API with the key given by --key or CLI_API_KEY', async () => {
    for (const [args, extra] of [
      [['--key', adminKey], {}],
      [[], { CLI_API_KEY: adminKey }],
    ] as const) {
      const result = await cli(['create-api-key', '--role', 'viewer', '--name', 'probe', ...args], extra);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Created API key \S+ \(VIEWER, "probe"\)/);
      const key = lastLine(result.stdout);
      expect((await graphql(url, '{ me { name role } }', {}, { key })).data).toEqual({
        me: { name: 'probe', role: 'VIEWER' },
      });
    }
  });

  it('redrives dead letters through the service API', async () => {
    const result = await cli(['redrive-dead-letters', '--queue', 'jobs', '--key', adminKey]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ queue: 'jobs', moved: 0 });
  });

  it('asks for a key and refuses a wrong one, naming the service', async () => {
    const noKey = await cli(['create-api-key', '--role', 'viewer', '--name', 'x']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`pid ${service.pid}`);
    expect(noKey.stderr).toMatch(/--key .*CLI_API_KEY/);
    const wrongKey = await cli([
      'create-api-key',
      '--role',
      'viewer',
      '--name',
      'x',
      '--key',
      'chk_wrongwrongwrongwrongwrongwrongwrong',
    ]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/UNAUTHENTICATED/);
    const demo = await cli(['demo']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain(`pid ${service.pid}`);
    expect(demo.stderr).toMatch(/--key .*CLI_API_KEY/);
  });

  it(
    'runs demo in the service while it holds the data directory, its data visible through the API',
    async () => {
      const result = await cli(['demo', '--key', adminKey]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('demo: clicks...');
      const demoKey = lastLine(result.stdout);
      const { data } = await graphql(url, '{ me { role } campaigns(first: 1) { totalCount } }', {}, { key: demoKey });
      expect(data).toMatchObject({ me: { role: 'ADMIN' } });
      expect((data as { campaigns: { totalCount: number } }).campaigns.totalCount).toBeGreaterThan(0);
    },
    PIPELINE_TEST_MS,
  );

  it('imports clicks in the service from a file named relative to the CLI, then syncs them there', async () => {
    const csv = join(dataDir, 'beside.csv');
    await writeFile(
      csv,
      [
        'JobID,BatchID,ListID,SubscriberKey,SubscriberID,EventDate,URL,LinkName,LinkContent,IsUnique,EventID',
        '1,1,9,ann,11,2026-03-08T01:35:00,https://e.com/a,a,a,True,e1',
        '1,1,9,bob,12,2026-03-08T01:40:00,https://e.com/a,a,a,True,e2',
      ].join('\n'),
    );
    // The CLI runs in the repository root; the service reads the file the CLI names.
    const file = relative(root, csv);
    const imported = await cli(['import-clicks', '--bu', 'Beside BU', '--file', file, '--key', adminKey]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ bu: 'Beside BU', rows: 2 });
    const synced = await cli(['sync-clicks', '--bu', 'Beside BU', '--key', adminKey]);
    expect(synced.code).toBe(0);
    const statsQuery = '{ clickStats(filter: { bu: "Beside BU" }) { totalClicks } }';
    const stats = await graphql(url, statsQuery, {}, { key: adminKey });
    expect(stats.data).toEqual({ clickStats: { totalClicks: 2 } });

    // A wrong flag is the operator's to fix, as when the command runs here.
    const wrong = await cli(['import-clicks', '--bu', 'Beside BU', '--key', adminKey]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--file is required\nUsage: npm run cli -- import-clicks/);
  });

  it(
    'runs commands in the service for ADMIN keys only, and names an unknown command',
    async () => {
      const created = await cli(['create-api-key', '--role', 'operator', '--name', 'not admin', '--key', adminKey]);
      const operatorKey = lastLine(created.stdout);
      const refused = await cli(['job', '--id', 'nope', '--key', operatorKey]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/FORBIDDEN/);

      const post = (name: string, key: string) =>
        fetch(new URL(`/admin/commands/${name}`, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ flags: {}, positional: [] }),
        });
      const forbidden = await post('demo', operatorKey);
      expect(forbidden.status).toBe(403);
      const unknown = await post('emit-schema', adminKey);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
      // One command at a time: while demo runs (seconds), other commands are refused.
      let demoDone = false;
      const demo = post('demo', adminKey).finally(() => {
        demoDone = true;
      });
      const during: number[] = [];
      while (!demoDone) {
        const other = await post('schedules', adminKey);
        if (!demoDone) during.push(other.status);
        await new Promise((wait) => setTimeout(wait, 50));
      }
      expect((await demo).status).toBe(200);
      expect(during).toContain(409);
      expect((await post('schedules', adminKey)).status).toBe(200);
    },
    PIPELINE_TEST_MS,
  );

  it('makes the keys of demo:agents through the service API', async () => {
    const noKey = await runTs('src/cli/demoAgents.ts', ['--agents', '1', '--url', url], env());
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`pid ${service.pid}`);

    const agents = spawnTs('src/cli/demoAgents.ts', ['--agents', '1', '--url', url, '--key', adminKey], env());
    const exit = once(agents, 'exit');
    let output = '';
    await new Promise<void>((resolve, reject) => {
      agents.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('agents working')) resolve();
      });
      agents.once('exit', () => reject(new Error(`demo:agents exited early: ${output}`)));
    });
    expect(output).toContain('demo-agent-1  connected and ONLINE');
    agents.kill('SIGTERM');
    // SIGTERM sets the agents OFFLINE and ends the process with code 0, as Ctrl-C does.
    expect(await exit).toEqual([0, null]);
  });

  it('opens the store itself again once the service was killed with kill -9', async () => {
    service.kill('SIGKILL');
    await once(service, 'exit');
    const result = await cli(['create-api-key', '--role', 'viewer', '--name', 'after']);
    expect(result.code).toBe(0);
    expect(lastLine(result.stdout)).toMatch(/^chk_/);
  });
});

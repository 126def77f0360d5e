import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql } from '../support/graphql';
import { finished, logLine, runTs, spawnTs } from './spawn';

/**
 * One writing process per data directory: a second service is refused, and CLI commands run
 * beside the service go through its API (or are refused, naming it) instead of writing the store.
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

  it('asks for a key, refuses a wrong one, and refuses commands the API lacks, naming the service', async () => {
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
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain(`pid ${service.pid}`);
    expect(demo.stderr).toMatch(/stop it/);
  });

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

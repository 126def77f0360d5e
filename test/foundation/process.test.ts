import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, logLine, runTs, spawnTs } from './spawn';

describe('the service process', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-process-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses a bad PORT with one line naming it and exit code 1', async () => {
    const result = await runTs('src/main.ts', [], { PORT: 'eighty', DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('Invalid configuration: PORT: an integer from 0 to 65535');
    expect(result.stdout).toBe('');
  });

  it('names every bad variable at once', async () => {
    const result = await runTs('src/main.ts', [], { PORT: '70000', LOG_LEVEL: 'loud', DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT: .*LOG_LEVEL: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('never prints the password of MONGODB_URI, even at debug and when the connection fails', async () => {
    const result = await runTs('src/main.ts', [], {
      LOG_LEVEL: 'debug',
      DATA_DIR: dataDir,
      MONGODB_URI: 'mongodb://hub:Pa55w0rd-Secret@127.0.0.1:9/hub?serverSelectionTimeoutMS=300&connectTimeoutMS=300',
    });
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain('Pa55w0rd-Secret');
  });

  it('finishes an in-flight request after SIGTERM, logs no API key at debug, and exits 0', async () => {
    const created = await runTs('src/cli/index.ts', ['create-api-key', '--role', 'viewer', '--name', 'probe'], {
      DATA_DIR: dataDir,
    });
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;

    const child = spawnTs('src/main.ts', [], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const output = finished(child);
    const listening = await logLine(child, (line) => line.msg === 'Campaign Hub is listening');
    const url = new URL(String(listening.url));

    const body = JSON.stringify({ query: '{ me { name } }' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${key}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, SIGTERM, the rest later: the request is in flight during shutdown.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const answered = await response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toEqual({ data: { me: { name: 'probe' } } });

    const exit = await output;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('"msg":"stopped"');
    expect(`${exit.stdout}${exit.stderr}`).not.toContain(key);
    expect(`${exit.stdout}${exit.stderr}`).not.toContain(key.slice(14));
  });
});

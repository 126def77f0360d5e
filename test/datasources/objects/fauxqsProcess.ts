import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * fauxqs is ESM-only with an `import`-only export map, which Jest's CommonJS module loader cannot
 * load; so it runs in a child Node process (real HTTP on a random port, as in production).
 */
export async function startFauxqsProcess(buckets: string[]): Promise<{ address: string; stop(): Promise<void> }> {
  const script = `
    const { startFauxqs } = await import('fauxqs');
    const server = await startFauxqs({ port: 0, logger: false });
    for (const bucket of ${JSON.stringify(buckets)}) server.createBucket(bucket);
    console.log(JSON.stringify({ address: server.address }));
    process.stdin.on('end', () => server.stop().then(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fauxqs exited with ${code}`)));
  });
  const { address } = JSON.parse(first) as { address: string };
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

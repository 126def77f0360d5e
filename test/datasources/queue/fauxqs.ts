import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * fauxqs (an SQS emulator) started on a random port. It is ESM-only behind an import-only export
 * map, which Jest's CommonJS loader cannot load, so it runs in a child Node process: real HTTP,
 * as SQS is reached in production.
 */
export async function startFauxqs(): Promise<{ address: string; client(): SQSClient; stop(): Promise<void> }> {
  const script = `
    const { startFauxqs } = await import('fauxqs');
    const server = await startFauxqs({ port: 0, logger: false });
    console.log(JSON.stringify({ address: server.address }));
    process.stdin.on('end', () => server.stop().then(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fauxqs exited with ${code}`)));
  });
  const { address } = JSON.parse(first) as { address: string };
  return {
    address,
    client: () =>
      new SQSClient({
        endpoint: address,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

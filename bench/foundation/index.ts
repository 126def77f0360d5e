import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { startTestServer } from '../../test/support/server';
import { startApolloHelloWorld } from '../support/helloWorld';
import { printResult, startRun, type Figures } from '../support/runInfo';

/**
 * GraphQL throughput of the whole HTTP stack (Express 5, Apollo 5, auth, limits, metrics,
 * a store read for the key) beside two baselines measured in the same run: a raw node:http
 * server answering the same JSON, and an Express 5 + Apollo 5 hello world (the framework's own
 * cost). Prints figures; asserts nothing.
 *
 *   npm run bench:foundation [-- --seconds 5 --connections 20]
 */
interface Options {
  seconds: number;
  connections: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    const parsed = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name}: a positive integer`);
    return parsed;
  };
  return { seconds: value('seconds', 5), connections: value('connections', 20) };
}

function run(url: string, body: string, headers: Record<string, string>, options: Options) {
  return autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    duration: options.seconds,
    connections: options.connections,
  });
}

async function measure(title: string, url: string, body: string, headers: Record<string, string>, options: Options) {
  const result = await run(url, body, headers, options);
  const failures = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${title.padEnd(44)} ${Math.round(result.requests.average).toString().padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   failures ${failures}`,
  );
  return result.requests.average;
}

async function rawBaseline(answer: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

async function main(): Promise<void> {
  startRun();
  const options = parseOptions(process.argv.slice(2));
  const query = JSON.stringify({ query: '{ health { status } }' });
  const me = JSON.stringify({ query: '{ me { name role } }' });
  console.log(
    `foundation bench: ${options.connections} connections, ${options.seconds} s per case, node ${process.version}`,
  );

  const baseline = await rawBaseline(JSON.stringify({ data: { health: { status: 'OK' } } }));
  const framework = await startApolloHelloWorld();
  const service = await startTestServer({ SCHEDULES: 'false', JOB_WORKERS: 'false' });
  let figures: Figures;
  try {
    const key = await service.createApiKey('viewer', 'bench');
    // Warm-up (not reported): the first seconds of a fresh process measure the JIT, not the stack.
    await run(service.url, query, {}, { ...options, seconds: 2 });
    await run(framework.url, query, {}, { ...options, seconds: 2 });
    const raw = await measure('baseline: raw node:http, same JSON', baseline.url, query, {}, options);
    const bare = await measure('baseline: Express 5 + Apollo 5 hello world', framework.url, query, {}, options);
    const typename = await measure(
      'GraphQL { __typename } (no resolver I/O)',
      service.url,
      JSON.stringify({ query: '{ __typename }' }),
      {},
      options,
    );
    const health = await measure('GraphQL { health } (public, store ping)', service.url, query, {}, options);
    const authed = await measure(
      'GraphQL { me } (API key lookup)',
      service.url,
      me,
      { authorization: `Bearer ${key}` },
      options,
    );
    const share = (value: number) => `${((value / bare) * 100).toFixed(0)}%`;
    console.log(
      `of the Apollo hello world: __typename ${share(typename)}, health ${share(health)}, me ${share(authed)} (raw node:http: ${share(raw)})`,
    );
    figures = {
      rawPerSec: Math.round(raw),
      frameworkPerSec: Math.round(bare),
      typenamePerSec: Math.round(typename),
      healthPerSec: Math.round(health),
      mePerSec: Math.round(authed),
    };
  } finally {
    baseline.server.close();
    await framework.stop();
    await service.stop();
  }
  printResult(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

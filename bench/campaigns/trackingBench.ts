import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openStore, type Db } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { C, newId, recipientId, type CampaignDoc, type RecipientDoc } from '../../src/services/campaigns/model';
import { signTrackingToken } from '../../src/services/campaigns/trackingTokens';
import { figures, line } from './support';

const SECRET = 'bench-tracking-secret-0123456789abcdef';
const LINKS = ['https://example.com/a', 'https://example.com/b', 'https://example.com/c'];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** A sent campaign with `count` recipients, written straight to the store. */
async function seedCampaign(db: Db, count: number): Promise<string[]> {
  const campaignId = newId();
  const now = new Date();
  await db.collection<CampaignDoc>(C.campaigns).insertOne({
    _id: campaignId,
    name: 'Tracking bench',
    templateId: 't',
    senderId: 's',
    audienceIds: [],
    type: 'EMAIL',
    status: 'SENT',
    content: { subject: 'x', text: LINKS.join(' '), links: LINKS },
    audienceSize: count,
    createdAt: now,
    updatedAt: now,
  });
  const memberIds = Array.from({ length: count }, () => newId());
  for (let i = 0; i < count; i += 5000) {
    await db.collection<RecipientDoc>(C.recipients).insertMany(
      memberIds.slice(i, i + 5000).map((memberId) => ({
        _id: recipientId(campaignId, memberId),
        campaignId,
        memberId,
        email: `${memberId}@example.com`,
        attributes: {},
        status: 'SENT',
        opened: false,
        clicked: false,
        converted: false,
      })),
    );
  }
  return memberIds.map((memberId) => signTrackingToken(SECRET, { campaignId, memberId }));
}

/** CPU seconds a child process used so far (Linux /proc; NaN elsewhere), for events per CPU-second. */
function childCpuSeconds(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function startServer(dir: string, port: number): Promise<ChildProcess> {
  const env = {
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    TRACKING_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    SCHEDULES: 'false',
    JOB_WORKERS: 'false',
  };
  // the service runs with this benchmark's node options (those of `npm run dev`)
  const child = spawn(process.execPath, [...process.execArgv, 'src/main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not start');
}

/**
 * Opens and clicks (half each) through GET /o/<token>.gif and /c/<token>?l=, from autocannon
 * against the service in its own process; then every event is counted back from the store.
 * Many connections, as pixels come from many mail clients: the recorder's batches grow with them.
 */
export async function trackingBench(
  events: number,
  recipients: number,
  connections: number,
  baseline: number,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-campaigns-tracking-'));
  try {
    await measureTracking(dir, events, recipients, connections, baseline);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureTracking(
  dir: string,
  events: number,
  recipients: number,
  connections: number,
  baseline: number,
): Promise<void> {
  let store = await openStore({ dataDir: dir });
  await applyFeatureIndexes(store.db);
  const tokens = await seedCampaign(store.db, recipients);
  await store.close();
  const port = await freePort();
  const child = await startServer(dir, port);
  const { result, elapsed, cpu } = await trackingLoad(child, port, tokens, events, connections).finally(() =>
    stopServer(child),
  );
  store = await openStore({ dataDir: dir });
  const stored = await store.db.collection(C.events).countDocuments({});
  const failed = result.errors + result.timeouts + result['4xx'] + result['5xx'];
  line('tracking', `tracking: HTTP pixel+click, group commit (${failed} failed)`, stored, elapsed, 'events');
  figures.trackingServerPerCpuSec = Math.round(stored / cpu);
  console.log(
    `  server CPU ${cpu.toFixed(2)} s: ${Math.round(stored / cpu).toLocaleString('en-US')} events per CPU-second`,
  );
  try {
    await trackingBaseline(store.db, tokens.length, Math.min(events, baseline));
  } finally {
    await store.close();
  }
}

/** Stops the service (SIGTERM: it stores the events it accepted) and waits for it to exit. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** The healthz ceiling, then the opens and clicks against the running server. */
async function trackingLoad(child: ChildProcess, port: number, tokens: string[], events: number, connections: number) {
  // the HTTP ceiling of this machine right now: the same server answering its health check
  const ceiling = await autocannon({
    url: `http://127.0.0.1:${port}/healthz`,
    connections,
    amount: Math.min(events, 20_000),
  });
  line(
    'healthzReference',
    'reference: GET /healthz on the same server (no store)',
    ceiling.requests.total,
    ceiling.duration * 1000,
    'requests',
  );
  let sent = 0;
  const cpuBefore = childCpuSeconds(child);
  const started = performance.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    amount: events,
    requests: [
      {
        setupRequest: (request) => {
          const i = sent++;
          const token = tokens[i % tokens.length];
          return { ...request, path: i % 2 ? `/c/${token}?l=${i % LINKS.length}` : `/o/${token}.gif` };
        },
      },
    ],
  });
  return { result, elapsed: performance.now() - started, cpu: childCpuSeconds(child) - cpuBefore };
}

/** Baseline: the two writes of an event (insert, recipient update) one event at a time, no HTTP. */
async function trackingBaseline(db: Db, recipients: number, count: number): Promise<void> {
  const campaign = (await db.collection<CampaignDoc>(C.campaigns).findOne({}))!;
  const memberIds = (
    await db
      .collection<RecipientDoc>(C.recipients)
      .find({}, { projection: { memberId: 1 }, limit: recipients })
      .toArray()
  ).map((r) => r.memberId);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const memberId = memberIds[i % memberIds.length];
    const at = new Date();
    await db.collection(C.events).insertOne({
      _id: newId() as never,
      type: 'OPEN',
      campaignId: campaign._id,
      memberId,
      recipientId: recipientId(campaign._id, memberId),
      occurredAt: at,
      recordedAt: at,
    });
    await db
      .collection(C.recipients)
      .updateOne(
        { _id: recipientId(campaign._id, memberId) as never },
        { $set: { opened: true }, $min: { firstOpenedAt: at }, $max: { lastOpenedAt: at } },
      );
  }
  line(
    'trackingBaseline',
    'tracking baseline: one event at a time (no HTTP)',
    count,
    performance.now() - started,
    'events',
  );
}

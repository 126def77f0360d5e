import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import type { App } from '../../src/app';
import { ApiKeyLookup } from '../../src/auth/apiKeys';
import { Role } from '../../src/auth/roles';
import { loadConfig } from '../../src/config';
import { openStore } from '../../src/datasources/store';
import { applyFeatureIndexes, servicesFor } from '../../src/features';
import { leadsFeature } from '../../src/features/leads';
import type { Jobs } from '../../src/jobs/jobType';
import { createLogger } from '../../src/logger';
import { ensureAgent } from '../../src/services/leads/agents';
import { AgentTimeline, cpuSeconds, leadCsv, type RoutingFigures } from './measure';

/**
 * The baseline: the same routing (claims, events, change stream, time-out timer) and the same
 * agents' behaviour, called in-process with no HTTP, GraphQL or WebSocket in between.
 */
export async function routeInProcess(leadCount: number, agentCount: number): Promise<RoutingFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-leads-direct-'));
  const store = await openStore({ dataDir, dbName: 'bench' });
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    UPLOAD_MAX_ROWS: String(leadCount),
  });
  const app = {
    config,
    logger: createLogger({ level: 'silent' }),
    store,
    db: store.db,
    apiKeys: new ApiKeyLookup(store.db, store.changeClock),
    jobs: {} as Jobs,
    metrics: new Registry(),
    ports: {},
  } as App;
  await applyFeatureIndexes(store.db);
  const { routing, uploads } = servicesFor(app, leadsFeature);
  await routing.start();
  try {
    const timelines = new Map<string, AgentTimeline>();
    let answered = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    routing.listen((event) => {
      if (event.kind !== 'ASSIGNED' || !event.lead || !event.agentId) return;
      const agentId = event.agentId;
      const timeline = timelines.get(agentId) ?? new AgentTimeline();
      timelines.set(agentId, timeline);
      timeline.leadReceived(Date.now());
      void routing.resolve({ leadId: event.lead._id, agentId, outcome: 'POSITIVE_REPLY', note: null }).then((lead) => {
        timeline.answered(lead.resolvedAt!.getTime());
        answered += 1;
        if (answered === leadCount) finish();
      });
    });
    for (let i = 0; i < agentCount; i += 1) {
      await ensureAgent(store.db, { keyId: `key-${i}`, name: `agent ${i}`, role: Role.AGENT, agentId: `direct-${i}` });
      await routing.setPresence(`direct-${i}`, 'ONLINE', 'bench');
    }
    const started = process.hrtime.bigint();
    const cpuAtStart = cpuSeconds();
    await uploads.upload({
      source: Readable.from([leadCsv(leadCount)]),
      filename: 'bench.csv',
      listName: null,
      uploadedBy: 'bench',
    });
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = cpuSeconds() - cpuAtStart;
    const latenciesMs = [...timelines.values()].flatMap((timeline) => timeline.latenciesMs());
    return {
      label: `baseline: in-process service calls (${agentCount} agents)`,
      leads: leadCount,
      seconds,
      cpuSeconds: cpu,
      latenciesMs,
    };
  } finally {
    await routing.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

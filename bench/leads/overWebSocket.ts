import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../src/auth/apiKeys';
import { Role } from '../../src/auth/roles';
import { LeadAgentClient } from '../../src/cli/leadAgentClient';
import { loadConfig } from '../../src/config';
import { createService } from '../../src/main';
import { LEADS } from '../../src/services/leads/model';
import { AgentTimeline, cpuSeconds, leadCsv, type RoutingFigures } from './measure';

const RESOLVE = `mutation ($id: ID!) { resolveLead(id: $id, outcome: POSITIVE_REPLY) { resolvedAt } }`;

/**
 * The real thing: a service on a random port, agents on graphql-ws that answer each lead as it
 * arrives. Latency is from the moment an agent's slot was freed (resolvedAt of its answer, the
 * server's clock, same machine) to the moment its next lead arrives on myLeadAssignments.
 */
export async function routeOverWebSocket(leadCount: number, agentCount: number): Promise<RoutingFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-leads-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SCHEDULES: 'false',
    DATA_DIR: dataDir,
    UPLOAD_MAX_ROWS: String(leadCount),
  });
  const service = await createService(config);
  await service.start();
  const clients: LeadAgentClient[] = [];
  try {
    const timelines: AgentTimeline[] = [];
    let answered = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    for (let i = 0; i < agentCount; i += 1) {
      const { key } = await createApiKey(service.app.db, {
        role: Role.AGENT,
        name: `bench agent ${i}`,
        agentId: `bench-${i}`,
      });
      const client = new LeadAgentClient(service.url.replace(/^http/, 'ws'), key);
      await client.connected();
      const timeline = new AgentTimeline();
      timelines.push(timeline);
      const answer = async (leadId: string) => {
        timeline.leadReceived(Date.now());
        const result = await client.execute<{ resolveLead: { resolvedAt: string } }>(RESOLVE, { id: leadId });
        timeline.answered(Date.parse(result.resolveLead.resolvedAt));
        answered += 1;
        if (answered === leadCount) finish();
      };
      client.subscribeAssignments((message) => {
        // a failed answer fails the benchmark loudly (an unhandled rejection ends the run)
        if (message.kind === 'ASSIGNED' && message.lead) void answer(message.lead.id);
      });
      await client.setPresence('ONLINE');
      clients.push(client);
    }
    const { key: operator } = await createApiKey(service.app.db, { role: Role.OPERATOR, name: 'bench uploader' });
    const form = new FormData();
    form.append('file', new Blob([leadCsv(leadCount)]), 'bench.csv');
    const started = process.hrtime.bigint();
    const cpuAtStart = cpuSeconds();
    const upload = await fetch(new URL('/uploads/leads', service.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = cpuSeconds() - cpuAtStart;
    const resolved = await service.app.db.collection(LEADS).countDocuments({ status: 'RESOLVED' });
    if (resolved !== leadCount) throw new Error(`${resolved} of ${leadCount} leads resolved`);
    const latenciesMs = timelines.flatMap((timeline) => timeline.latenciesMs());
    return {
      label: `GraphQL over WebSocket (${agentCount} agents)`,
      leads: leadCount,
      seconds,
      cpuSeconds: cpu,
      latenciesMs,
    };
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/datasources/store';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc } from '../../src/services/leads/model';
import { eventually, leadsInstance } from './support';
import { invariantViolations, Simulation, watchCapacity } from './simulation';

// the push time-out outlasts the grace period, so an agent gone past it loses its leads by the
// disconnect rule (RELEASED) rather than by whichever timer happens to fire first
const ENV = { LEAD_PUSH_TIMEOUT_SECONDS: '2', AGENT_DISCONNECT_GRACE_SECONDS: '1', LEAD_TIMEOUT_PRESENCE: 'OFFLINE' };

function leadList(count: number): string {
  const rows = Array.from(
    { length: count },
    (_, i) => `lead${i}@example.com,${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()}`,
  );
  return `email,timestamp\n${rows.join('\n')}\n`;
}

async function simulate(stores: Store[], leadCount: number, agentCount: number, seed: number) {
  const instances = await Promise.all(stores.map((store) => leadsInstance(store, ENV)));
  const [first] = instances;
  const capacity = watchCapacity(first!.db);
  try {
    const agentIds = Array.from({ length: agentCount }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
    for (const [i, agentId] of agentIds.entries())
      await instances[i % instances.length]!.agent(agentId, { online: false, capacity: 1 + (i % 3 === 0 ? 1 : 0) });
    const simulation = new Simulation({ instances, agentIds, seed, graceMs: 1000 });
    await simulation.start();
    // the list arrives in two uploads, one per instance when there are two
    const csv = leadList(leadCount).split('\n');
    const half = Math.ceil(leadCount / 2);
    await first!.upload(['email,timestamp', ...csv.slice(1, half + 1)].join('\n'));
    await instances.at(-1)!.upload(['email,timestamp', ...csv.slice(half + 1)].join('\n'));
    const leads = first!.db.collection<LeadDoc>(LEADS);
    // until every lead is answered, or what is left waits only for agents that declined it all
    await eventually(
      async () => (await leads.countDocuments({ status: 'RESOLVED' })) >= leadCount * 0.995,
      60_000,
      'leads answered',
    );
    await simulation.stop();
    await eventually(
      async () => (await leads.countDocuments({ status: 'ASSIGNED' })) === 0,
      5000,
      'held leads timed out',
    );
    await Promise.all(instances.map((instance) => instance.routing.idle()));
    await eventually(
      async () => (await first!.db.collection<AgentDoc>(AGENTS).countDocuments({ openLeads: { $ne: 0 } })) === 0,
      2000,
      'slots free',
    );
    expect(simulation.failures).toEqual([]);
    // the last events may still be on their way to the listeners of another instance
    let violations: string[] = [];
    await eventually(
      async () => (violations = await invariantViolations(first!.db, simulation.delivered)).length === 0,
      2000,
    ).catch(() => undefined);
    simulation.detach();
    expect(violations).toEqual([]);
    expect(capacity.violations).toEqual([]);
    const histories = await leads.find({}).toArray();
    const changes = new Set(histories.flatMap((lead) => lead.history.map((entry) => entry.change)));
    // the simulation exercised every path
    expect([...changes].sort()).toEqual(['ASSIGNED', 'DECLINED', 'QUEUED', 'RELEASED', 'RESOLVED', 'TIMED_OUT']);
  } finally {
    await capacity.close();
    for (const instance of instances) await instance.stop();
  }
}

describe('lead routing simulation', () => {
  jest.setTimeout(90_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leads-simulation-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('routes 1,000 leads to 20 agents with answers, declines, time-outs and disconnects, keeping every invariant', async () => {
    const store = await openStore({ dataDir: dir, dbName: 'test', watchPollMs: 10 });
    try {
      await simulate([store], 1000, 20, 42);
    } finally {
      await store.close();
    }
  });

  it('keeps the same invariants with two service instances on one store', async () => {
    const stores = [
      await openStore({ dataDir: dir, dbName: 'test', watchPollMs: 10 }),
      await openStore({ dataDir: dir, dbName: 'test', watchPollMs: 10 }),
    ];
    try {
      await simulate(stores, 400, 12, 7);
    } finally {
      for (const store of stores) await store.close();
    }
  });
});

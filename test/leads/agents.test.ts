import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/server';
import { graphql } from '../support/graphql';
import { LEADS, type LeadDoc } from '../../src/services/leads/model';
import { kind, RecordingAgent, uploadLeadsMutation } from './wsSupport';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agents over graphql-ws', () => {
  let server: TestServer;
  let operator: string;
  const agents: RecordingAgent[] = [];

  beforeEach(async () => {
    server = await startTestServer({ LEAD_PUSH_TIMEOUT_SECONDS: '1', AGENT_DISCONNECT_GRACE_SECONDS: '1' });
    operator = await server.createApiKey('operator', 'ops');
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.close().catch(() => undefined);
    await server.stop();
  });

  async function connect(agentId: string): Promise<RecordingAgent> {
    const agent = await RecordingAgent.connect(server.wsUrl, await server.createApiKey('agent', agentId, agentId));
    agents.push(agent);
    return agent;
  }

  const upload = (csv: string) => uploadLeadsMutation(server.url, operator, Buffer.from(csv), 'leads.csv');
  const leadDoc = (email: string) => server.app.db.collection<LeadDoc>(LEADS).findOne({ email });

  it('pushes the oldest lead to an agent once it sets ONLINE, not when it merely connects', async () => {
    await upload('email,timestamp\nnew@x.io,2024-02-01\nold@x.io,2024-01-01\n');
    const ann = await connect('ann');
    await sleep(200);
    expect(ann.messages).toEqual([]);
    expect((await leadDoc('old@x.io'))?.status).toBe('QUEUED');
    await ann.client.setPresence('ONLINE');
    const pushed = await ann.next(kind('ASSIGNED'));
    expect(pushed.lead).toMatchObject({ email: 'old@x.io', status: 'ASSIGNED', assignedTo: 'ann' });
    await ann.client.resolveLead(pushed.lead!.id, 'POSITIVE_REPLY', 'booked a demo');
    const next = await ann.next(kind('ASSIGNED'));
    expect(next.lead?.email).toBe('new@x.io');
    const lead = await graphql<{
      lead: { status: string; outcome: string; note: string; history: { change: string; actor: string }[] };
    }>(
      server.url,
      `
        query ($id: ID!) {
          lead(id: $id) {
            status
            outcome
            note
            history {
              change
              actor
            }
          }
        }
      `,
      { id: pushed.lead!.id },
      { key: operator },
    );
    expect(lead.data?.lead).toEqual({
      status: 'RESOLVED',
      outcome: 'POSITIVE_REPLY',
      note: 'booked a demo',
      history: [
        { change: 'QUEUED', actor: 'ops' },
        { change: 'ASSIGNED', actor: 'router' },
        { change: 'RESOLVED', actor: 'ann' },
      ],
    });
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toContain('leads_assignments_total{agent="ann"} 2');
    expect(metrics).toContain('leads_time_to_answer_seconds_count{agent="ann",outcome="POSITIVE_REPLY"} 1');
    expect(metrics).toContain('leads_time_in_queue_seconds_count{agent="ann"} 2');
  });

  it('gives two agents of capacity 1 two of three leads; another agent gets FORBIDDEN', async () => {
    await upload('email,timestamp\na@x.io,2024-01-01\nb@x.io,2024-01-02\nc@x.io,2024-01-03\n');
    const ann = await connect('ann');
    const bob = await connect('bob');
    await Promise.all([ann.client.setPresence('ONLINE'), bob.client.setPresence('ONLINE')]);
    const [forAnn, forBob] = await Promise.all([ann.next(kind('ASSIGNED')), bob.next(kind('ASSIGNED'))]);
    expect([forAnn.lead!.email, forBob.lead!.email].sort()).toEqual(['a@x.io', 'b@x.io']);
    await sleep(100);
    expect((await leadDoc('c@x.io'))?.status).toBe('QUEUED');
    const trespass = bob.client.resolveLead(forAnn.lead!.id, 'NOT_A_LEAD');
    await expect(trespass).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await bob.client.declineLead(forBob.lead!.id, 'on holiday');
    // bob declined: the lead goes back to the head of the queue, but not to bob
    await expect(bob.next(kind('ASSIGNED'))).resolves.toMatchObject({ lead: { email: 'c@x.io' } });
    await ann.client.resolveLead(forAnn.lead!.id, 'NEUTRAL_REPLY');
    // which of a and b each agent got first is the router's race; ann now gets the one bob declined
    await expect(ann.next(kind('ASSIGNED'))).resolves.toMatchObject({ lead: { email: forBob.lead!.email } });
  });

  it('times out an unanswered lead: it goes back to the head of the queue and the agent is told it is OFFLINE', async () => {
    await upload('email,timestamp\nold@x.io,2024-01-01\nnew@x.io,2024-01-02\n');
    const ann = await connect('ann');
    await ann.client.setPresence('ONLINE');
    const pushed = await ann.next(kind('ASSIGNED'));
    const timedOut = await ann.next(kind('TIMED_OUT'), 3000);
    expect(timedOut.lead).toMatchObject({ id: pushed.lead!.id, status: 'QUEUED', assignedTo: null });
    expect(Date.parse(timedOut.at) - Date.parse(pushed.lead!.expiresAt!)).toBeLessThan(1000);
    await expect(
      ann.next((message) => message.kind === 'PRESENCE_CHANGED' && message.presence === 'OFFLINE'),
    ).resolves.toMatchObject({
      reason: 'push time-out',
    });
    const bob = await connect('bob');
    await bob.client.setPresence('ONLINE');
    await expect(bob.next(kind('ASSIGNED'))).resolves.toMatchObject({ lead: { email: 'old@x.io' } });
    const late = ann.client.resolveLead(pushed.lead!.id, 'POSITIVE_REPLY');
    await expect(late).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
  });

  it('keeps the lead of an agent that reconnects within the grace period and replays it', async () => {
    await upload('email\na@x.io\nb@x.io\n');
    const key = await server.createApiKey('agent', 'ann', 'ann');
    let ann = await RecordingAgent.connect(server.wsUrl, key);
    await ann.client.setPresence('ONLINE');
    const pushed = await ann.next(kind('ASSIGNED'));
    await server.app.db
      .collection<LeadDoc>(LEADS)
      .updateOne({ _id: pushed.lead!.id }, { $set: { expiresAt: new Date(Date.now() + 60_000) } });
    await ann.close();
    await sleep(300);
    ann = await RecordingAgent.connect(server.wsUrl, key);
    agents.push(ann);
    const replayed = await ann.next(kind('ASSIGNED'));
    expect(replayed.lead?.id).toBe(pushed.lead!.id);
    await sleep(1200);
    expect((await leadDoc(pushed.lead!.email))?.assignedTo).toBe('ann');
    await ann.client.resolveLead(pushed.lead!.id, 'POSITIVE_REPLY');
  });

  it('sets an agent OFFLINE and releases its lead when it stays away past the grace period', async () => {
    await upload('email\na@x.io\n');
    const ann = await RecordingAgent.connect(server.wsUrl, await server.createApiKey('agent', 'ann', 'ann'));
    await ann.client.setPresence('ONLINE');
    const pushed = await ann.next(kind('ASSIGNED'));
    await server.app.db
      .collection<LeadDoc>(LEADS)
      .updateOne({ _id: pushed.lead!.id }, { $set: { expiresAt: new Date(Date.now() + 60_000) } });
    await ann.close();
    const supervisor = await graphql<{ leadQueue: { agents: { id: string; presence: string }[] } }>(
      server.url,
      '{ leadQueue { agents { id presence } } }',
      undefined,
      { key: operator },
    );
    expect(supervisor.data?.leadQueue.agents).toEqual([{ id: 'ann', presence: 'ONLINE' }]);
    await sleep(1500);
    const lead = await leadDoc('a@x.io');
    expect(lead).toMatchObject({ status: 'QUEUED', assignedTo: null });
    expect(lead!.history.at(-1)).toMatchObject({ change: 'RELEASED', actor: 'disconnect' });
    const after = await graphql<{
      leadQueue: { backlog: number; assigned: number; agents: { presence: string; openLeads: number }[] };
    }>(server.url, '{ leadQueue { backlog assigned agents { presence openLeads } } }', undefined, { key: operator });
    expect(after.data?.leadQueue).toEqual({ backlog: 1, assigned: 0, agents: [{ presence: 'OFFLINE', openLeads: 0 }] });
  });

  it('streams the supervisor view on leadQueueUpdated and refuses myLeadAssignments to non-agents', async () => {
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${operator}` },
      retryAttempts: 0,
    });
    try {
      const updates = client.iterate<{ leadQueueUpdated: { backlog: number } }>({
        query: 'subscription { leadQueueUpdated { backlog } }',
      });
      expect((await updates.next()).value?.data?.leadQueueUpdated.backlog).toBe(0);
      await upload('email\na@x.io\nb@x.io\n');
      expect((await updates.next()).value?.data?.leadQueueUpdated.backlog).toBe(2);
      await updates.return?.();
      const refused = client.iterate({ query: 'subscription { myLeadAssignments { kind } }' });
      const first = await refused.next().catch((error) => error);
      expect(JSON.stringify(first)).toContain('FORBIDDEN');
    } finally {
      await client.dispose();
    }
  });
});

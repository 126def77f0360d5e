import { openTestStore } from '../support/store';
import type { Store } from '../../src/datasources/store';
import { LEADS, type LeadDoc } from '../../src/services/leads/model';
import { eventually, leadsInstance } from './support';

describe('lead routing (service layer)', () => {
  let store: Store;
  let leads: Awaited<ReturnType<typeof leadsInstance>>;

  beforeEach(async () => {
    store = await openTestStore();
    leads = await leadsInstance(store, { LEAD_PUSH_TIMEOUT_SECONDS: '1', AGENT_DISCONNECT_GRACE_SECONDS: '0' });
  });
  afterEach(async () => {
    await leads.stop();
    await store.close();
  });

  it('imports good rows, reports bad ones and skips emails already open', async () => {
    const first = await leads.upload(
      'email,timestamp,name\nA@x.io,2024-01-02,Ann\nbad-email,,X\nb@x.io,someday,B\na@x.io,,Dup\nc@x.io,,C\n',
    );
    expect(first).toMatchObject({ total: 5, accepted: 2, rejected: 3, duplicatesOfExisting: 0 });
    expect(first.rejectedRows.map((row) => [row.rowNumber, row.reason])).toEqual([
      [3, 'INVALID_EMAIL'],
      [4, 'INVALID_TIMESTAMP'],
      [5, 'DUPLICATE_IN_FILE'],
    ]);
    const second = await leads.upload('EMAIL\nc@x.io\nd@x.io\n');
    expect(second).toMatchObject({ total: 2, accepted: 1, rejected: 0, duplicatesOfExisting: 1 });
    expect(second.rejectedRows).toEqual([
      expect.objectContaining({ rowNumber: 2, email: 'c@x.io', reason: 'DUPLICATE_OF_EXISTING' }),
    ]);
    expect((await leads.leads()).map((lead) => lead.email).sort()).toEqual(['a@x.io', 'c@x.io', 'd@x.io']);
  });

  it('serves the oldest lead first', async () => {
    await leads.upload('email,timestamp\nnew@x.io,2024-03-01\nold@x.io,2024-01-01\nmid@x.io,2024-02-01\n');
    await leads.agent('ann');
    const first = await eventually(
      async () => (await leads.lead('old@x.io'))?.status === 'ASSIGNED',
      2000,
      'old lead assigned',
    );
    expect(first).toBe(true);
    expect((await leads.lead('mid@x.io'))?.status).toBe('QUEUED');
  });
});

describe('lead routing: assignment, answers and time-outs', () => {
  let store: Store;
  let leads: Awaited<ReturnType<typeof leadsInstance>>;

  beforeEach(async () => {
    store = await openTestStore();
    leads = await leadsInstance(store, { LEAD_PUSH_TIMEOUT_SECONDS: '1', AGENT_DISCONNECT_GRACE_SECONDS: '1' });
  });
  afterEach(async () => {
    await leads.stop();
    await store.close();
  });

  const assignedTo = async (email: string) => (await leads.lead(email))?.assignedTo ?? null;

  it('gives two agents of capacity 1 two of three leads, and the third to whoever answers first', async () => {
    await leads.upload('email,timestamp\na@x.io,2024-01-01\nb@x.io,2024-01-02\nc@x.io,2024-01-03\n');
    await leads.agent('ann');
    await leads.agent('bob');
    await eventually(async () => (await assignedTo('a@x.io')) && (await assignedTo('b@x.io')), 2000, 'two assignments');
    await leads.routing.idle();
    expect((await leads.lead('c@x.io'))?.status).toBe('QUEUED');
    expect([await assignedTo('a@x.io'), await assignedTo('b@x.io')].sort()).toEqual(['ann', 'bob']);
    const holderOfB = (await assignedTo('b@x.io'))!;
    const lead = (await leads.lead('b@x.io'))!;
    await leads.routing.resolve({
      leadId: lead._id,
      agentId: holderOfB,
      outcome: 'POSITIVE_REPLY',
      note: 'call back Monday',
    });
    expect(await eventually(() => assignedTo('c@x.io'), 2000, 'third lead assigned')).toBe(holderOfB);
    const agent = await leads.agentDoc(holderOfB);
    expect(agent).toMatchObject({ openLeads: 1, answeredToday: 1 });
  });

  it('lets only the assigned agent answer: FORBIDDEN for another, CONFLICT once answered', async () => {
    await leads.upload('email\na@x.io\n');
    await leads.agent('ann');
    await leads.agent('bob', { online: false });
    const lead = await eventually(async () =>
      (await leads.lead('a@x.io'))?.status === 'ASSIGNED' ? leads.lead('a@x.io') : null,
    );
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'OK',
        (error) => error.extensions?.code,
      );
    expect(
      await codeOf(leads.routing.resolve({ leadId: lead!._id, agentId: 'bob', outcome: 'NOT_A_LEAD', note: null })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(leads.routing.decline({ leadId: lead!._id, agentId: 'bob', reason: 'mine now' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await codeOf(leads.routing.resolve({ leadId: 'nope', agentId: 'ann', outcome: 'NOT_A_LEAD', note: null })),
    ).toBe('NOT_FOUND');
    await leads.routing.resolve({ leadId: lead!._id, agentId: 'ann', outcome: 'NEUTRAL_REPLY', note: null });
    expect(
      await codeOf(leads.routing.resolve({ leadId: lead!._id, agentId: 'ann', outcome: 'NOT_A_LEAD', note: null })),
    ).toBe('CONFLICT');
  });

  it('releases an unanswered lead to the head of the queue on time-out and sets the agent OFFLINE', async () => {
    const kinds: string[] = [];
    leads.routing.listen((event) => kinds.push(`${event.kind}:${event.agentId}`));
    await leads.upload('email,timestamp\nold@x.io,2024-01-01\nnew@x.io,2024-01-02\n');
    await leads.agent('ann');
    const assigned = await eventually(async () => {
      const lead = await leads.lead('old@x.io');
      return lead?.status === 'ASSIGNED' ? lead : null;
    });
    const released = await eventually(
      async () => {
        const lead = await leads.lead('old@x.io');
        return lead?.status === 'QUEUED' ? lead : null;
      },
      3000,
      'time-out',
    );
    const timedOut = released.history.at(-1)!;
    expect(timedOut).toMatchObject({ change: 'TIMED_OUT', actor: 'timer', agentId: 'ann' });
    // durable timer: fires within a second of expiresAt
    expect(timedOut.at.getTime() - assigned.expiresAt!.getTime()).toBeLessThan(1000);
    expect(released.queuedAt).toEqual(assigned.queuedAt);
    // the agent's slot is freed just after the lead's release
    await eventually(
      async () => {
        const ann = await leads.agentDoc('ann');
        return ann?.presence === 'OFFLINE' && ann.openLeads === 0;
      },
      2000,
      'agent OFFLINE with its slot free',
    );
    await eventually(
      async () => kinds.includes('PRESENCE_CHANGED:ann') && kinds.includes('TIMED_OUT:ann'),
      2000,
      'agent told',
    );
    // it is next in line: the next agent gets it, not the newer lead
    await leads.agent('bob');
    expect(await eventually(() => assignedTo('old@x.io'), 2000, 'reassigned')).toBe('bob');
    expect((await leads.lead('new@x.io'))?.status).toBe('QUEUED');
  });

  it('re-arms stored time-outs when an instance starts again', async () => {
    await leads.upload('email\na@x.io\n');
    await leads.agent('ann');
    await eventually(async () => (await leads.lead('a@x.io'))?.status === 'ASSIGNED');
    await leads.stop();
    leads = await leadsInstance(store, { LEAD_PUSH_TIMEOUT_SECONDS: '1' });
    await eventually(
      async () => (await leads.lead('a@x.io'))?.history.at(-1)?.change === 'TIMED_OUT',
      3000,
      'time-out after restart',
    );
  });

  it('offers a declined lead to another agent, never back to the one who declined it', async () => {
    await leads.upload('email\na@x.io\n');
    await leads.agent('ann');
    const lead = await eventually(async () => ((await assignedTo('a@x.io')) === 'ann' ? leads.lead('a@x.io') : null));
    await leads.routing.decline({ leadId: lead!._id, agentId: 'ann', reason: 'knows me personally' });
    await leads.routing.idle();
    expect((await leads.lead('a@x.io'))?.status).toBe('QUEUED');
    await leads.agent('bob');
    expect(await eventually(() => assignedTo('a@x.io'), 2000, 'reassigned')).toBe('bob');
    const history = (await leads.lead('a@x.io'))!.history.map((entry) => entry.change);
    expect(history).toEqual(['QUEUED', 'ASSIGNED', 'DECLINED', 'ASSIGNED']);
    expect(await leads.agentDoc('ann')).toMatchObject({ openLeads: 0, presence: 'ONLINE' });
  });

  it('finds an agent a lead far down the queue when it declined every older one', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `p${i}@x.io,${new Date(Date.UTC(2024, 0, 1 + i)).toISOString()}`);
    await leads.upload(`email,timestamp\n${rows.join('\n')}\n`);
    await store.db
      .collection<LeadDoc>(LEADS)
      .updateMany({ email: { $ne: 'p29@x.io' } }, { $set: { declinedBy: ['ann'] } });
    await leads.agent('ann');
    expect(await eventually(() => assignedTo('p29@x.io'), 2000, 'the one lead ann may take')).toBe('ann');
  });

  it('keeps the lead of an agent that reconnects within the grace period, and releases it after', async () => {
    await leads.stop();
    leads = await leadsInstance(store, { LEAD_PUSH_TIMEOUT_SECONDS: '60', AGENT_DISCONNECT_GRACE_SECONDS: '1' });
    await leads.upload('email\na@x.io\n');
    await leads.agent('ann');
    await eventually(async () => (await assignedTo('a@x.io')) === 'ann');
    const first = await leads.routing.sessions.open('ann');
    await leads.routing.sessions.close(first, 'ann');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await leads.routing.sessions.open('ann');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await assignedTo('a@x.io')).toBe('ann');
    expect((await leads.agentDoc('ann'))?.presence).toBe('ONLINE');
    await leads.routing.sessions.close(second, 'ann');
    await eventually(async () => (await leads.agentDoc('ann'))?.presence === 'OFFLINE', 3000, 'offline after grace');
    const lead = await eventually(async () =>
      (await leads.lead('a@x.io'))?.status === 'QUEUED' ? leads.lead('a@x.io') : null,
    );
    expect(lead!.history.at(-1)).toMatchObject({ change: 'RELEASED', actor: 'disconnect', agentId: 'ann' });
  });
});

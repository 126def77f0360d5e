import type { Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { LeadQueueView } from '../../src/services/leads/leadQueue';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc } from '../../src/services/leads/model';
import { openTestStore } from '../support/store';

const at = (iso: string) => new Date(iso);

function lead(id: string, status: LeadDoc['status'], queuedAt: string): LeadDoc {
  return {
    _id: id,
    email: `${id}@example.com`,
    name: null,
    company: null,
    phone: null,
    attributes: [],
    status,
    open: status !== 'RESOLVED',
    queuedAt: at(queuedAt),
    createdAt: at(queuedAt),
    importId: 'import-1',
    rowNumber: 1,
    assignedTo: status === 'ASSIGNED' ? 'ann' : null,
    assignedAt: null,
    expiresAt: null,
    resolvedAt: null,
    outcome: null,
    note: null,
    declinedBy: [],
    history: [],
  };
}

function agent(id: string, answeredToday: number, answeredDay: string): AgentDoc {
  return {
    _id: id,
    name: id,
    presence: 'ONLINE',
    capacity: 2,
    openLeads: 0,
    lastAssignedAt: null,
    idleSince: at('2026-03-01T08:00:00Z'),
    answeredToday,
    answeredDay,
    presenceChangedAt: at('2026-03-01T08:00:00Z'),
    createdAt: at('2026-03-01T08:00:00Z'),
  };
}

/** The supervisor view read once per change of leads or agents answers as one read every time. */
describe('lead queue view with the change clock', () => {
  let store: Store;
  let remembering: LeadQueueView;
  let reading: LeadQueueView;

  beforeEach(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    remembering = new LeadQueueView(store.db, store.changeClock);
    reading = new LeadQueueView(store.db);
  });
  afterEach(() => store.close());

  async function expectSameSnapshots(now: Date) {
    const expected = await reading.snapshot(now);
    expect(await remembering.snapshot(now)).toEqual(expected);
    expect(await remembering.snapshot(now)).toEqual(expected);
    return expected;
  }

  it('follows leads queued, assigned and resolved, and agents changing', async () => {
    const now = at('2026-03-02T12:00:00Z');
    expect(await expectSameSnapshots(now)).toEqual({
      at: now,
      backlog: 0,
      oldestQueuedAt: null,
      assigned: 0,
      agents: [],
    });

    const leads = store.db.collection<LeadDoc>(LEADS);
    await leads.insertMany([
      lead('l1', 'QUEUED', '2026-03-02T10:00:00Z'),
      lead('l2', 'QUEUED', '2026-03-02T09:00:00Z'),
      lead('l3', 'ASSIGNED', '2026-03-02T08:00:00Z'),
    ]);
    await store.db.collection<AgentDoc>(AGENTS).insertOne(agent('ann', 3, '2026-03-02'));
    const first = await expectSameSnapshots(now);
    expect(first).toMatchObject({ backlog: 2, oldestQueuedAt: at('2026-03-02T09:00:00Z'), assigned: 1 });
    expect(first.agents.map((a) => [a._id, a.answeredToday])).toEqual([['ann', 3]]);

    await leads.updateOne({ _id: 'l2' }, { $set: { status: 'ASSIGNED', assignedTo: 'ann' } });
    expect(await expectSameSnapshots(now)).toMatchObject({
      backlog: 1,
      oldestQueuedAt: at('2026-03-02T10:00:00Z'),
      assigned: 2,
    });

    await store.db.collection<AgentDoc>(AGENTS).updateOne({ _id: 'ann' }, { $set: { presence: 'AWAY' } });
    expect((await expectSameSnapshots(now)).agents.map((a) => a.presence)).toEqual(['AWAY']);
  });

  it("counts an agent's answers of an earlier day as none today, with nothing changed in between", async () => {
    await store.db.collection<AgentDoc>(AGENTS).insertOne(agent('ann', 3, '2026-03-02'));
    expect((await expectSameSnapshots(at('2026-03-02T23:59:00Z'))).agents[0]!.answeredToday).toBe(3);
    expect((await expectSameSnapshots(at('2026-03-03T00:01:00Z'))).agents[0]!.answeredToday).toBe(0);
  });
});

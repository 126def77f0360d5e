import { startTestServer, type TestServer } from '../support/server';
import { LeadAgentClient, type AssignmentMessage } from '../../src/cli/leadAgentClient';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc } from '../../src/services/leads/model';
import { eventually } from './support';
import { invariantViolations } from './simulation';
import { uploadLeadsMutation } from './wsSupport';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One simulated agent over real WebSockets: answers most leads, declines some, ignores some
 * (push time-out), and drops its connection now and then, coming back within or after the grace
 * period. Records each distinct assignment it was told of (a replay after a reconnect is the
 * same assignment).
 */
class SocketAgent {
  readonly told = new Set<string>();
  readonly failures: string[] = [];
  private client: LeadAgentClient | null = null;
  private stopped = false;
  private work: Promise<unknown>[] = [];

  constructor(
    private readonly wsUrl: string,
    private readonly key: string,
    private readonly random: () => number,
  ) {}

  async connect(): Promise<void> {
    const client = new LeadAgentClient(this.wsUrl, this.key);
    await client.connected();
    client.subscribeAssignments((message) => this.work.push(this.onMessage(client, message)));
    this.client = client;
    await client.setPresence('ONLINE');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.work);
    await this.client?.setPresence('OFFLINE').catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private async onMessage(client: LeadAgentClient, message: AssignmentMessage): Promise<void> {
    if (message.kind === 'ASSIGNED' && message.lead) this.told.add(`${message.lead.id}@${message.lead.assignedAt}`);
    if (this.stopped || client !== this.client) return;
    if (message.kind === 'PRESENCE_CHANGED' && message.presence === 'OFFLINE') {
      await sleep(50);
      if (!this.stopped && client === this.client) await this.tolerate(client.setPresence('ONLINE'));
      return;
    }
    if (message.kind !== 'ASSIGNED' || !message.lead) return;
    const roll = this.random();
    await sleep(Math.floor(this.random() * 20));
    if (roll < 0.75) await this.tolerate(client.resolveLead(message.lead.id, 'POSITIVE_REPLY'));
    else if (roll < 0.87) await this.tolerate(client.declineLead(message.lead.id, 'not my region'));
    else if (roll < 0.94) return;
    else await this.reconnect(client, roll < 0.97 ? 300 : 1500);
  }

  private async reconnect(client: LeadAgentClient, awayMs: number): Promise<void> {
    this.client = null;
    await client.close();
    await sleep(awayMs);
    if (!this.stopped) await this.connect();
  }

  private async tolerate(action: Promise<unknown>): Promise<void> {
    try {
      await action;
    } catch (error) {
      const code = (error as { extensions?: { code?: string } }).extensions?.code;
      if (code !== 'CONFLICT') this.failures.push(`${code}: ${(error as Error).message}`);
    }
  }
}

describe('lead routing simulation over WebSockets', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ LEAD_PUSH_TIMEOUT_SECONDS: '1', AGENT_DISCONNECT_GRACE_SECONDS: '1' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('routes 150 leads to 6 socket agents keeping every invariant', async () => {
    let state = 11;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const agentIds = Array.from({ length: 6 }, (_, i) => `ws-agent-${i}`);
    const agents = await Promise.all(
      agentIds.map(async (id) => new SocketAgent(server.wsUrl, await server.createApiKey('agent', id, id), random)),
    );
    await Promise.all(agents.map((agent) => agent.connect()));
    const operator = await server.createApiKey('operator');
    const csv = `email\n${Array.from({ length: 150 }, (_, i) => `p${i}@example.com`).join('\n')}\n`;
    await uploadLeadsMutation(server.url, operator, Buffer.from(csv), 'leads.csv');
    const leads = server.app.db.collection<LeadDoc>(LEADS);
    await eventually(async () => (await leads.countDocuments({ status: 'RESOLVED' })) >= 148, 60_000, 'leads answered');
    await Promise.all(agents.map((agent) => agent.stop()));
    await eventually(
      async () => (await leads.countDocuments({ status: 'ASSIGNED' })) === 0,
      5000,
      'held leads released',
    );
    await eventually(
      async () => (await server.app.db.collection<AgentDoc>(AGENTS).countDocuments({ openLeads: { $ne: 0 } })) === 0,
      2000,
    );
    const delivered = new Map(agentIds.map((id, i) => [id, agents[i]!.told.size]));
    let violations: string[] = [];
    await eventually(
      async () => (violations = await invariantViolations(server.app.db, delivered)).length === 0,
      2000,
    ).catch(() => undefined);
    expect(violations).toEqual([]);
    expect(agents.flatMap((agent) => agent.failures)).toEqual([]);
    await Promise.all(agents.map((agent) => agent.close()));
  });
});

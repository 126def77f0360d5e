import { Readable } from 'node:stream';
import { Role } from '../../src/auth/roles';
import { clicksFeature } from '../../src/features/clicks';
import { leadsFeature } from '../../src/features/leads';
import type { Service } from '../../src/main';
import { ensureAgent } from '../../src/services/leads/agents';
import { LEADS, type LeadDoc } from '../../src/services/leads/model';
import { seededRandom } from '../../src/services/seededRandom';
import { servicesOf } from './benchService';
import { BENCH_BU, liveClickRows } from './clickData';

/** What the service is asked to write each second while dashboards read it. */
export interface LiveWriteRates {
  clickRowsPerSecond: number;
  /** Upload, assignment and answer events: one upload a second of (rate - 1) / 2 leads on average. */
  leadEventsPerSecond: number;
}

export interface LiveWriteCounts {
  clickRows: number;
  /** Rows of the click log processed and acknowledged meanwhile: the click sync's pace under the load. */
  clickRowsProcessed: number;
  /** Rows still unprocessed when the writes stopped. */
  clickBacklogAtStop: number;
  clickSyncsRequested: number;
  leadUploads: number;
  leadsUploaded: number;
  leadsAnswered: number;
  failures: number;
}

const AGENTS = 4;
/** Rows appended at most at once when the writer catches up after a slow second. */
const MAX_ROWS_PER_APPEND = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The production writes a dashboard sees change under it, run inside the service process and
 * held to their rates on average (a slow second is caught up in the next, not dropped): new rows
 * in the bench business unit's click log every tenth of a second and a click sync requested each
 * second (the clicks-load job and the queue workers take them in, as in production); and a lead
 * list uploaded each second whose leads the routing assigns to the bench's agents, who answer
 * each at once.
 */
export function startLiveWrites(service: Service, rates: LiveWriteRates, onError: (error: unknown) => void) {
  const clicks = servicesOf(service, clicksFeature);
  const leads = servicesOf(service, leadsFeature);
  const run = String(Date.now());
  const next = seededRandom(Number(run) % 2 ** 31);
  const counts: LiveWriteCounts = {
    clickRows: 0,
    clickRowsProcessed: 0,
    clickBacklogAtStop: 0,
    clickSyncsRequested: 0,
    leadUploads: 0,
    leadsUploaded: 0,
    leadsAnswered: 0,
    failures: 0,
  };
  const fail = (error: unknown) => {
    counts.failures += 1;
    onError(error);
  };
  const leadsPerSecond = Math.max(1, (rates.leadEventsPerSecond - 1) / 2);
  const backlog = async () => {
    const unit = await clicks.pipeline.sfmc.businessUnit(BENCH_BU);
    return unit ? ((await clicks.pipeline.sfmc.backlog(unit)) ?? 0) : 0;
  };
  const backlogAtStart = backlog();
  let stopped = false;
  const started = Date.now();
  const due = (perSecond: number, done: number) => Math.floor(((Date.now() - started) / 1000) * perSecond) - done;

  const unsubscribe = leads.routing.listen((event) => {
    if (event.kind !== 'ASSIGNED' || !event.lead || !event.agentId) return;
    leads.routing
      .resolve({ leadId: event.lead._id, agentId: event.agentId, outcome: 'POSITIVE_REPLY', note: null })
      .then(() => (counts.leadsAnswered += 1), fail);
  });

  /** Runs `step` every `ms` (or at once when behind) until stopped; a failing step is counted, not fatal. */
  async function every(ms: number, step: () => Promise<void>): Promise<void> {
    while (!stopped) {
      const began = Date.now();
      await step().catch(fail);
      await sleep(Math.max(0, ms - (Date.now() - began)));
    }
  }

  // Clicks reach the source through the second, as they do a data extension: the rows due are
  // appended every tenth of a second, and a click sync is requested once a second.
  let syncRequested = started;
  const clickWriter = every(100, async () => {
    const rows = Math.min(MAX_ROWS_PER_APPEND, due(rates.clickRowsPerSecond, counts.clickRows));
    if (rows > 0) {
      counts.clickRows += await clicks.pipeline.sfmc.appendRows!(
        BENCH_BU,
        liveClickRows(rows, run, counts.clickRows, next),
      );
    }
    if (Date.now() - syncRequested < 1000) return;
    syncRequested = Date.now();
    await clicks.requestSync(BENCH_BU, undefined, 'bench:dashboard');
    counts.clickSyncsRequested += 1;
  });

  const agentIds = Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`);
  const leadWriter = (async () => {
    for (const [i, agentId] of agentIds.entries()) {
      await ensureAgent(service.app.db, {
        keyId: `bench-key-${i}`,
        name: `Bench agent ${i}`,
        role: Role.AGENT,
        agentId,
      });
      // Leads an earlier run left with this agent are answered first, or the agent would stay full.
      const open = await service.app.db
        .collection<LeadDoc>(LEADS)
        .find({ status: 'ASSIGNED', assignedTo: agentId }, { projection: { _id: 1 } })
        .toArray();
      for (const lead of open) {
        // one that timed out meanwhile is with the queue again: nothing to answer
        await leads.routing
          .resolve({ leadId: lead._id, agentId, outcome: 'POSITIVE_REPLY', note: null })
          .catch(() => undefined);
      }
      await leads.routing.setPresence(agentId, 'ONLINE', 'bench:dashboard');
    }
    await every(1000, async () => {
      const count = due(leadsPerSecond, counts.leadsUploaded);
      if (count <= 0) return;
      const first = counts.leadsUploaded;
      const csv = Array.from(
        { length: count },
        (_, i) => `live-${run}-${first + i}@example.com,${new Date().toISOString()},Lead ${first + i}`,
      );
      counts.leadsUploaded += count;
      await leads.uploads.upload({
        source: Readable.from([`email,timestamp,name\n${csv.join('\n')}\n`]),
        filename: `live-${counts.leadUploads}.csv`,
        listName: 'bench:dashboard live leads',
        uploadedBy: 'bench:dashboard',
      });
      counts.leadUploads += 1;
    });
  })().catch(fail);

  return {
    counts,
    async stop(): Promise<LiveWriteCounts> {
      stopped = true;
      await Promise.all([clickWriter, leadWriter]);
      for (const agentId of agentIds)
        await leads.routing.setPresence(agentId, 'OFFLINE', 'bench:dashboard').catch(fail);
      unsubscribe();
      counts.clickBacklogAtStop = await backlog();
      counts.clickRowsProcessed = (await backlogAtStart) + counts.clickRows - counts.clickBacklogAtStop;
      return counts;
    },
  };
}

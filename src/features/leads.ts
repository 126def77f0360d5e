import type { App } from '../app';
import { resolvePrincipal } from '../auth/principal';
import { Role } from '../auth/roles';
import type { Logger } from '../logger';
import { AgentResolver } from '../resolvers/leads/agent.resolver';
import { LeadResolver } from '../resolvers/leads/lead.resolver';
import { LeadImportResolver } from '../resolvers/leads/leadImport.resolver';
import { mountLeadUploadRoute } from '../resolvers/leads/uploadRoute';
import type { AgentSessions } from '../services/leads/agentSessions';
import { agentIdOf, LeadAgents } from '../services/leads/agents';
import { writeDemoLeadLists } from '../services/leads/demo';
import { LeadFeeds } from '../services/leads/feeds';
import { leadIndexes, retiredLeadIndexes } from '../services/leads/indexes';
import { LeadQueries } from '../services/leads/leadQueries';
import { LeadQueueView } from '../services/leads/leadQueue';
import { LeadRouting } from '../services/leads/leadRouting';
import type { LeadServices } from '../services/leads/leadServices';
import { LeadUploads } from '../services/leads/leadUploads';
import { createLeadMetrics } from '../services/leads/metrics';
import { leaseTiming } from '../services/uploads/importLease';
import { uploadLimits } from '../services/uploads/uploadKinds';
import { defineFeature, rememberedReads } from './feature';

/** Lead routing's services for one app, from its store, config, logger and metrics registry. */
function leadServices(app: App): LeadServices {
  const { config, db } = app;
  const routing = new LeadRouting({
    db,
    logger: app.logger.child({ feature: 'leads' }),
    metrics: createLeadMetrics(app.metrics),
    model: config.LEAD_ROUTING_MODEL,
    pushTimeoutMs: config.LEAD_PUSH_TIMEOUT_SECONDS * 1000,
    graceMs: config.AGENT_DISCONNECT_GRACE_SECONDS * 1000,
    timeoutPresence: config.LEAD_TIMEOUT_PRESENCE,
  });
  const limits = uploadLimits(config, 'leadList');
  const lease = leaseTiming(config.JOB_VISIBILITY_TIMEOUT_SECONDS);
  const queueView = new LeadQueueView(db, app.store.changeClock);
  return {
    routing,
    agents: new LeadAgents(db),
    queries: new LeadQueries(db, queueView, rememberedReads(app)),
    feeds: new LeadFeeds(routing, db, queueView),
    uploads: new LeadUploads({ db, routing, limits, logger: app.logger, lease }),
  };
}

/**
 * Agent WebSockets open and close sessions: an agent whose last socket closes goes OFFLINE after
 * the grace period. Session opening is chained per socket so a close never overtakes its open.
 */
function trackAgentSockets(events: App['sockets'], sessions: AgentSessions, logger: Logger): void {
  const opened = new Map<string, Promise<string | null>>();
  events.on('connected', ({ socketId, principal }) => {
    if (principal?.role !== Role.AGENT) return;
    const session = sessions.open(agentIdOf(principal)).catch((error) => {
      logger.error({ err: error }, 'agent session could not be recorded');
      return null;
    });
    opened.set(socketId, session);
  });
  events.on('closed', ({ socketId, principal }) => {
    const session = opened.get(socketId);
    if (!session || !principal) return;
    opened.delete(socketId);
    void session
      .then((sessionId) => (sessionId ? sessions.close(sessionId, agentIdOf(principal)) : undefined))
      .catch((error) => {
        logger.error({ err: error }, 'agent session could not be closed');
      });
  });
}

/** Lead routing (seed 002): lead lists, agents over their WebSocket, assignment and answers. */
export const leadsFeature = defineFeature({
  name: 'leads',
  services: leadServices,
  indexes: leadIndexes,
  retiredIndexes: retiredLeadIndexes,
  resolvers: [LeadImportResolver, LeadResolver, AgentResolver],
  routes(router, app, services) {
    mountLeadUploadRoute(router, {
      uploads: services.uploads,
      authenticate: (authorization) => resolvePrincipal(app.apiKeys, authorization, { allowAnonymousViewer: false }),
      logger: app.logger,
    });
  },
  async start(app, { routing, uploads }) {
    await uploads.start();
    trackAgentSockets(app.sockets, routing.sessions, app.logger);
    await routing.start();
  },
  async stop(_app, { routing, uploads }) {
    await uploads.stop();
    await routing.stop();
  },
  demo: (app, { uploads }) => writeDemoLeadLists(uploads, app.config.DATA_DIR, app.logger),
});

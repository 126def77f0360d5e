import type { App } from '../app';
import { Role } from '../auth/roles';
import { agentIdOf } from '../services/leads/agents';
import { leadRouting } from '../services/leads/leadRouting';
import { writeDemoLeadLists } from '../services/leads/demo';
import { AgentResolver } from '../resolvers/leads/agent.resolver';
import { LeadResolver } from '../resolvers/leads/lead.resolver';
import { LeadImportResolver } from '../resolvers/leads/leadImport.resolver';
import { mountLeadUploadRoute } from '../resolvers/leads/uploadRoute';
import { leadIndexes, retiredLeadIndexes } from '../services/leads/indexes';
import { defineFeature } from './feature';

/**
 * Agent WebSockets open and close sessions: an agent whose last socket closes goes OFFLINE after
 * the grace period. Session opening is chained per socket so a close never overtakes its open.
 */
function trackAgentSockets(app: App): void {
  const routing = leadRouting(app);
  const opened = new Map<string, Promise<string | null>>();
  const events = app.sockets;
  events.on('connected', ({ socketId, principal }) => {
    if (principal?.role !== Role.AGENT) return;
    opened.set(socketId, routing.sessions.open(agentIdOf(principal)).catch((error) => {
      app.logger.error({ err: error }, 'agent session could not be recorded');
      return null;
    }));
  });
  events.on('closed', ({ socketId, principal }) => {
    const session = opened.get(socketId);
    if (!session || !principal) return;
    opened.delete(socketId);
    void session.then((sessionId) => (sessionId ? routing.sessions.close(sessionId, agentIdOf(principal)) : undefined)).catch((error) => {
      app.logger.error({ err: error }, 'agent session could not be closed');
    });
  });
}

/** Lead routing (seed 002): lead lists, agents over their WebSocket, assignment and answers. */
export const leadsFeature = defineFeature({
  name: 'leads',
  indexes: leadIndexes,
  retiredIndexes: retiredLeadIndexes,
  resolvers: [LeadImportResolver, LeadResolver, AgentResolver],
  routes: mountLeadUploadRoute,
  async start(app) {
    trackAgentSockets(app);
    await leadRouting(app).start();
  },
  async stop(app) {
    await leadRouting(app).stop();
  },
  demo: writeDemoLeadLists,
});

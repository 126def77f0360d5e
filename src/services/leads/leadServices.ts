import type { LeadAgents } from './agents';
import type { LeadFeeds } from './feeds';
import type { LeadQueries } from './leadQueries';
import type { LeadRouting } from './leadRouting';
import type { LeadUploads } from './leadUploads';

/** Lead routing's services for one app, built once by the leads feature; resolvers and routes receive them. */
export interface LeadServices {
  /** Assignment, answers, presence, agent sessions and the routing events of this instance. */
  routing: LeadRouting;
  agents: LeadAgents;
  queries: LeadQueries;
  /** The subscriptions' sources. */
  feeds: LeadFeeds;
  uploads: LeadUploads;
}

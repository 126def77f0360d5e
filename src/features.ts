import type { Feature } from './app';
import { jobsFeature } from './jobs/feature';
import { campaignsFeature } from './resolvers/campaigns/campaigns.feature';
import { trackingFeature } from './services/tracking/tracking.feature';
import { clicksFeature } from './services/clicks/clicks.feature';
import { leadsFeature } from './resolvers/leads/leads.feature';

/** Every domain of the service. main.ts wires each one's resolvers, jobs, schedules and routes. */
export const features: Feature[] = [jobsFeature, campaignsFeature, trackingFeature, clicksFeature, leadsFeature];

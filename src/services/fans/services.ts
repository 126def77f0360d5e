/**
 * Fan campaigns' services for one app, built once by the fans feature (src/features/fans.ts);
 * resolvers, routes, jobs and commands receive them.
 */
export interface FanServices {}

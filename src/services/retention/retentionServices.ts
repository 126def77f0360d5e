import type { Retention } from './retention';

/** The services of data retention, built once per app by its feature. */
export interface RetentionServices {
  retention: Retention;
}

import { hash } from 'node:crypto';

/**
 * The id of a click when the data extension has no EventID column: a hash of the fields that
 * identify one click, so a redelivered row gets the same id and is counted once. The date goes
 * in as true UTC, so the same click exported in either date format gets the same id.
 */
export function deriveEventId(fields: {
  jobId: string;
  batchId: string;
  subscriberKey: string;
  eventDate: Date;
  url: string;
}): string {
  const identity = JSON.stringify([
    fields.jobId,
    fields.batchId,
    fields.subscriberKey,
    fields.eventDate.toISOString(),
    fields.url,
  ]);
  return hash('sha256', identity, 'base64url').slice(0, 32);
}

/** A short stable id for a natural key (send, URL, subscriber, click-event key), bu included. */
export function naturalId(...parts: string[]): string {
  return hash('sha256', JSON.stringify(parts), 'base64url').slice(0, 24);
}

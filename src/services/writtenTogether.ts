/**
 * Waits for writes issued together (in one event turn: one commit on the embedded store) until
 * every one has settled, then answers their results in order or throws the first failure: no
 * write is still running when the caller gives up or retries.
 */
export async function writtenTogether(writes: Promise<unknown>[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(writes);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}

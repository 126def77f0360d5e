import { graphql } from '../support/graphql';

const WORK_IN_PROGRESS = `{
  running: jobs(filter: { status: RUNNING }, first: 1) { totalCount }
  queued: jobs(filter: { status: QUEUED }, first: 100) { edges { node { runAt } } }
  clickQueues { toProcess processed }
}`;

interface WorkInProgress {
  running: { totalCount: number };
  queued: { edges: { node: { runAt: string | null } }[] };
  clickQueues: { toProcess: number; processed: number };
}

/**
 * Waits until the work examples started has finished, as a reader would before the next
 * example: no job running, none queued to run now (a job scheduled for later does not count),
 * and the click pipeline's queues drained.
 */
export async function settle(url: string, key: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, errors } = await graphql<WorkInProgress>(url, WORK_IN_PROGRESS, undefined, { key });
    if (errors) throw new Error(`work in progress could not be read: ${errors[0]!.message}`);
    const due = data!.queued.edges.filter(({ node }) => !node.runAt || Date.parse(node.runAt) <= Date.now());
    const busy = data!.running.totalCount + due.length + data!.clickQueues.toProcess + data!.clickQueues.processed;
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`work still in progress after ${timeoutMs} ms: ${JSON.stringify(data)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

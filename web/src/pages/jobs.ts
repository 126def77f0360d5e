import { actionButton, dataTable, figures, fill, h, section, type Column } from '../dom';
import { count, label, when } from '../format';
import {
  CancelJobDocument,
  DeadLetterQueueDocument,
  JobsLiveDocument,
  JobsPageDocument,
  RedriveDeadLettersDocument,
  RetryJobDocument,
  type JobRowFragment,
} from '../generated/graphql';
import { attempt, errorMessage, pageHeading, statusLine, type Page, type PageContext, type StatusLine } from '../page';

const SHOWN = 25;
/** A burst of job changes reloads the lists once. */
const RELOAD_AFTER_MS = 1000;
/** The queues of this service's job types and pipelines, with their default names. */
const QUEUES = ['jobs', 'clicks-to-process', 'clicks-processed', 'fan-records', 'verdicts'];

function progressCell(job: JobRowFragment): HTMLElement {
  const percent = Math.round(job.progress.fraction * 100);
  return h(
    'span',
    { class: 'progress-cell' },
    h('progress', { max: 100, value: percent, 'aria-label': `${job.type} ${percent} %` }),
    ` ${percent} %`,
    job.progress.message ? h('span', { class: 'hint' }, ` ${job.progress.message}`) : null,
  );
}

/** The columns every list shows, and for operators the button that fits the job's status. */
function jobColumns(context: PageContext, status: StatusLine, reload: () => void): Column<JobRowFragment>[] {
  const act = (job: JobRowFragment) => {
    const run = (verb: string, mutate: () => Promise<unknown>) =>
      actionButton(
        verb,
        () =>
          attempt(
            async () => {
              await mutate();
              status.show(`${verb}: job ${job.id} (${job.type}).`);
              reload();
            },
            status,
            context.signal,
          ),
        { 'aria-label': `${verb} job ${job.id} (${job.type})` },
      );
    const { api, signal } = context;
    if (job.status === 'FAILED' || job.status === 'CANCELLED') {
      return run('Retry', () => api.request(RetryJobDocument, { id: job.id }, signal));
    }
    if ((job.status === 'QUEUED' || job.status === 'RUNNING') && !job.cancelRequested) {
      return run('Cancel', () => api.request(CancelJobDocument, { id: job.id }, signal));
    }
    return job.cancelRequested ? 'Cancelling' : '';
  };
  return [
    { header: 'Type', cell: (job) => job.type },
    { header: 'Id', cell: (job) => h('code', null, job.id) },
    { header: 'Trigger', cell: (job) => label(job.trigger) },
    { header: 'Created', cell: (job) => when(job.createdAt) },
    { header: 'Attempts', numeric: true, cell: (job) => `${job.attempts} of ${job.maxAttempts}` },
    { header: 'Progress', cell: progressCell },
    { header: 'Error', cell: (job) => (job.error ? `${job.error.code}: ${job.error.message}` : '–') },
    ...(context.canOperate ? [{ header: 'Action', cell: act }] : []),
  ];
}

/** Operators read a queue's dead letters and move them back to their queue. */
function deadLetters(context: PageContext): HTMLElement {
  const { api, signal } = context;
  const queue = h(
    'select',
    { id: 'dead-letter-queue' },
    QUEUES.map((name) => h('option', { value: name }, name)),
  );
  const content = h('div');
  const status = statusLine();
  const show = async () => {
    const { deadLetters: letters } = await api.request(
      DeadLetterQueueDocument,
      { queue: queue.value, first: SHOWN },
      signal,
    );
    const redrive = actionButton(`Redrive ${letters.queue}`, () =>
      attempt(
        async () => {
          const { redriveDeadLetters: moved } = await api.request(
            RedriveDeadLettersDocument,
            { queue: letters.queue },
            signal,
          );
          status.show(`${count(moved)} messages moved back to ${letters.queue}.`);
          await show();
        },
        status,
        signal,
      ),
    );
    fill(
      content,
      figures([
        { name: 'dead-lettered', label: 'Dead letters', value: count(letters.stats.deadLettered) },
        { name: 'visible', label: 'Waiting in the queue', value: count(letters.stats.visible) },
        { name: 'in-flight', label: 'Being handled', value: count(letters.stats.inFlight) },
        { name: 'delayed', label: 'Delayed', value: count(letters.stats.delayed) },
      ]),
      dataTable({
        name: 'dead-letters',
        caption: `Dead letters of ${letters.queue}, oldest first`,
        rows: letters.messages,
        empty: `No dead letters in ${letters.queue}.`,
        columns: [
          { header: 'Sent', cell: (message) => when(message.sentAt) },
          { header: 'Job', cell: (message) => message.jobId ?? '–' },
          { header: 'Body', cell: (message) => h('code', { class: 'body' }, message.body.slice(0, 200)) },
        ],
      }),
      letters.messages.length > 0 && h('div', { class: 'actions' }, redrive),
    );
  };
  queue.addEventListener('change', () => void attempt(show, status, signal));
  void attempt(show, status, signal);
  return section(
    'dead-letters',
    'Dead letters',
    h('div', { class: 'toolbar' }, h('label', { for: 'dead-letter-queue' }, 'Queue'), queue, status.element),
    content,
  );
}

/** Jobs: running, queued and failed, live through jobsUpdated; retry, cancel and redrive for operators. */
export const jobsPage: Page = async (context) => {
  const { root, api, signal, canOperate } = context;
  const lists = h('div', { 'data-live': 'jobs' });
  const status = statusLine();
  let pending: number | undefined;

  const load = async () => {
    const jobs = await api.request(JobsPageDocument, { first: SHOWN }, signal);
    const columns = jobColumns(context, status, reload);
    const list = (id: string, title: string, connection: typeof jobs.running, empty: string) =>
      section(
        id,
        `${title} (${count(connection.totalCount)})`,
        dataTable({
          name: id,
          caption: `${title} jobs, newest first`,
          rows: connection.edges.map((edge) => edge.node),
          empty,
          columns,
        }),
      );
    fill(
      lists,
      figures([
        { name: 'running', label: 'Running', value: count(jobs.running.totalCount) },
        { name: 'queued', label: 'Queued', value: count(jobs.queued.totalCount) },
        { name: 'failed', label: 'Failed', value: count(jobs.failed.totalCount) },
      ]),
      list('jobs-running', 'Running', jobs.running, 'No job is running.'),
      list('jobs-queued', 'Queued', jobs.queued, 'No job is waiting.'),
      list('jobs-failed', 'Failed', jobs.failed, 'No job has failed.'),
    );
  };
  function reload(): void {
    if (pending !== undefined) return;
    pending = window.setTimeout(() => {
      pending = undefined;
      void attempt(load, status, signal);
    }, RELOAD_AFTER_MS);
  }
  signal.addEventListener('abort', () => window.clearTimeout(pending), { once: true });

  fill(root, pageHeading('Jobs'), status.element, lists, canOperate && deadLetters(context));
  await load();
  api.subscribe(
    JobsLiveDocument,
    {},
    { onData: reload, onError: (error) => status.show(`Live updates stopped: ${errorMessage(error)}`, true) },
    signal,
  );
};

import { RememberedFigures, type ChangePositions } from '../../datasources/rememberedFigures';
import type { Db, Filter } from '../../datasources/store';
import { JOBS } from '../../jobs/jobStore';
import type { JobRecord, JobStatus } from '../../jobs/jobType';
import { paginate, rememberedPage, type Page, type PageArgs } from '../pagination';

/** Which jobs to list; every field narrows the list. */
export interface JobListFilter {
  type?: string | null;
  status?: JobStatus | null;
  /** Created at or after. */
  from?: Date | null;
  /** Created before. */
  to?: Date | null;
}

function jobsFilter(filter: JobListFilter): Filter<JobRecord> {
  const query: Filter<JobRecord> = {};
  if (filter.type) query.type = filter.type;
  if (filter.status) query.status = filter.status;
  if (filter.from || filter.to) {
    query.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  return query;
}

/** Pages of jobs remembered at most: dashboards ask the same few pages many times a second. */
const REMEMBERED_PAGES = 200;

/**
 * Pages of jobs for the API; the job system itself (src/jobs) never pages through jobs. With the
 * store's change clock, a page is read once per change to the jobs, however often it is asked.
 */
export class JobHistory {
  private readonly figures: RememberedFigures | undefined;

  constructor(
    private readonly db: Db,
    changes?: ChangePositions,
  ) {
    this.figures = changes ? new RememberedFigures(changes, REMEMBERED_PAGES) : undefined;
  }

  /** Jobs newest first, keyset-paginated. */
  page<N>(filter: JobListFilter, page: PageArgs, toNode: (job: JobRecord) => N): Promise<Page<N>> {
    const jobs = this.db.collection<JobRecord>(JOBS);
    const order = { sortField: 'createdAt', direction: -1 as const, toNode };
    if (this.figures) return rememberedPage(this.figures, jobs, jobsFilter(filter), page, order);
    return paginate(jobs, jobsFilter(filter), page, order);
  }
}

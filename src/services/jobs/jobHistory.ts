import type { Db, Filter } from '../../datasources/store';
import { JOBS } from '../../jobs/jobStore';
import type { JobRecord, JobStatus } from '../../jobs/jobType';
import { paginate, type Page, type PageArgs } from '../pagination';

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

/** Pages of jobs for the API; the job system itself (src/jobs) never pages through jobs. */
export class JobHistory {
  constructor(private readonly db: Db) {}

  /** Jobs newest first, keyset-paginated. */
  page<N>(filter: JobListFilter, page: PageArgs, toNode: (job: JobRecord) => N): Promise<Page<N>> {
    return paginate(this.db.collection<JobRecord>(JOBS), jobsFilter(filter), page, {
      sortField: 'createdAt',
      direction: -1,
      toNode,
    });
  }
}

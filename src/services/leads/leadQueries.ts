import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db, Filter } from '../../datasources/store';
import { paginate, rememberedPage, type Page, type PageArgs } from '../pagination';
import type { LeadQueueSnapshot, LeadQueueView } from './leadQueue';
import { LEAD_IMPORTS, LEADS, type LeadDoc, type LeadImportDoc, type LeadStatus } from './model';

/** What the leads list can be narrowed by; every field is optional and they combine with AND. */
export interface LeadListFilter {
  status?: LeadStatus;
  assignedTo?: string;
  importId?: string;
  /** Uploaded at or after. */
  createdFrom?: Date;
  /** Uploaded before. */
  createdTo?: Date;
}

/** Both lists by upload time, newest first (each has a createdAt index). */
const NEWEST_FIRST = { sortField: 'createdAt', direction: -1 } as const;

/** The operators' and supervisors' reads: the leads, the uploaded lists and the queue. */
export class LeadQueries {
  constructor(
    private readonly db: Db,
    private readonly queueView: LeadQueueView,
    /** On the embedded store: a page of uploaded lists is read once per change to them. */
    private readonly remembered?: RememberedFigures,
  ) {}

  /** A page of leads, newest upload first. */
  leads<N>(filter: LeadListFilter | undefined, page: PageArgs, toNode: (lead: LeadDoc) => N): Promise<Page<N>> {
    return paginate(this.db.collection<LeadDoc>(LEADS), leadsFilter(filter), page, { ...NEWEST_FIRST, toNode });
  }

  /** A page of uploaded lead lists, newest first. */
  imports<N>(page: PageArgs, toNode: (leadImport: LeadImportDoc) => N): Promise<Page<N>> {
    const imports = this.db.collection<LeadImportDoc>(LEAD_IMPORTS);
    const order = { ...NEWEST_FIRST, toNode };
    if (this.remembered) return rememberedPage(this.remembered, imports, {}, page, order);
    return paginate(imports, {}, page, order);
  }

  /** The supervisor view now. */
  queue(): Promise<LeadQueueSnapshot> {
    return this.queueView.snapshot();
  }
}

function leadsFilter(filter: LeadListFilter | undefined): Filter<LeadDoc> {
  const query: Filter<LeadDoc> = {};
  if (!filter) return query;
  if (filter.status) query.status = filter.status;
  if (filter.assignedTo) query.assignedTo = filter.assignedTo;
  if (filter.importId) query.importId = filter.importId;
  if (filter.createdFrom || filter.createdTo) {
    query.createdAt = {
      ...(filter.createdFrom ? { $gte: filter.createdFrom } : {}),
      ...(filter.createdTo ? { $lt: filter.createdTo } : {}),
    };
  }
  return query;
}

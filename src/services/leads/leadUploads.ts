import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { badInput } from '../../errors';
import type { Logger } from '../../logger';
import { DEFAULT_LEASE_TIMING, type LeaseTiming } from '../uploads/importLease';
import type { UploadLimits } from '../uploads/readRows';
import { StaleRecordSweep } from '../uploads/staleSweep';
import { importLeads } from './importLeads';
import { recoverStaleLeadImports } from './leadImportRecovery';
import type { LeadRouting } from './leadRouting';
import type { LeadImportDoc } from './model';

export interface UploadLeadListInput {
  source: Readable;
  filename: string;
  listName: string | null;
  uploadedBy: string;
}

export interface LeadUploadsOptions {
  db: Db;
  /** Woken once a list is imported. */
  routing: LeadRouting;
  /** The lead list kind's limits (UPLOAD_MAX_BYTES, UPLOAD_MAX_ROWS and the shared UPLOAD_* bounds). */
  limits: UploadLimits;
  logger: Logger;
  /** The import records' lease (JOB_VISIBILITY_TIMEOUT_SECONDS's rule). */
  lease?: LeaseTiming;
}

const MAX_LIST_NAME = 200;

/**
 * Operators' uploads (GraphQL multipart or POST /uploads/leads): import the rows with the
 * configured limits, then wake the routers. While started, finishes the imports whose process
 * died.
 */
export class LeadUploads {
  private readonly recovery: StaleRecordSweep;

  constructor(private readonly options: LeadUploadsOptions) {
    const lease = options.lease ?? DEFAULT_LEASE_TIMING;
    const recover = () => recoverStaleLeadImports(options.db, lease);
    this.recovery = new StaleRecordSweep('lead imports', recover, lease, options.logger);
  }

  async upload(input: UploadLeadListInput): Promise<LeadImportDoc> {
    const { db, limits, logger, routing, lease } = this.options;
    const listName = input.listName?.trim() || null;
    if (listName && listName.length > MAX_LIST_NAME) {
      input.source.destroy();
      throw badInput(`listName: at most ${MAX_LIST_NAME} characters`, 'listName');
    }
    const leadImport = await importLeads(db, { ...input, listName, limits, lease });
    logger.info(
      {
        importId: leadImport._id,
        accepted: leadImport.accepted,
        rejected: leadImport.rejected,
        duplicates: leadImport.duplicatesOfExisting,
      },
      'lead list imported',
    );
    await routing.leadsQueued(leadImport);
    return leadImport;
  }

  /** Finishes the imports a dead process left RUNNING now, then keeps watching for them. */
  start(): Promise<void> {
    return this.recovery.start();
  }

  stop(): Promise<void> {
    return this.recovery.stop();
  }
}

import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { AppError, badInput, payloadTooLarge } from '../../errors';
import type { Logger } from '../../logger';
import type { UploadLimits } from '../uploads/readRows';
import { importLeads } from './importLeads';
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
  /** UPLOAD_MAX_BYTES and UPLOAD_MAX_ROWS. */
  limits: UploadLimits;
  logger: Logger;
}

const MAX_LIST_NAME = 200;

/**
 * Operators' uploads (GraphQL multipart or POST /uploads/leads): import the rows with the
 * configured limits, then wake the routers.
 */
export class LeadUploads {
  constructor(private readonly options: LeadUploadsOptions) {}

  async upload(input: UploadLeadListInput): Promise<LeadImportDoc> {
    const { db, limits, logger, routing } = this.options;
    const listName = input.listName?.trim() || null;
    if (listName && listName.length > MAX_LIST_NAME) {
      input.source.destroy();
      throw badInput(`listName: at most ${MAX_LIST_NAME} characters`, 'listName');
    }
    let leadImport: LeadImportDoc;
    try {
      leadImport = await importLeads(db, { ...input, listName, limits });
    } catch (error) {
      throw asUploadError(error, limits.maxBytes);
    }
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
}

/** The upload middleware's own size error (http-errors, status 413) in the API's error shape. */
function asUploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  if ((error as { status?: number }).status === 413) {
    return payloadTooLarge(`The file is larger than the limit of ${maxBytes} bytes`);
  }
  return error;
}

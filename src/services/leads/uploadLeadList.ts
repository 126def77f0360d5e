import type { Readable } from 'node:stream';
import type { App } from '../../app';
import { AppError, badInput, payloadTooLarge } from '../../errors';
import { importLeads } from './importLeads';
import { leadRouting } from './leadRouting';
import type { LeadImportDoc } from './model';

export interface UploadLeadListInput {
  source: Readable;
  filename: string;
  listName: string | null;
  uploadedBy: string;
}

const MAX_LIST_NAME = 200;

/**
 * An operator's upload (GraphQL multipart or POST /uploads/leads): import the rows with the
 * configured limits, then wake the routers.
 */
export async function uploadLeadList(app: App, input: UploadLeadListInput): Promise<LeadImportDoc> {
  const listName = input.listName?.trim() || null;
  if (listName && listName.length > MAX_LIST_NAME) {
    input.source.destroy();
    throw badInput(`listName: at most ${MAX_LIST_NAME} characters`, 'listName');
  }
  let leadImport: LeadImportDoc;
  try {
    leadImport = await importLeads(app.db, {
      ...input,
      listName,
      limits: { maxBytes: app.config.UPLOAD_MAX_BYTES, maxRows: app.config.UPLOAD_MAX_ROWS },
    });
  } catch (error) {
    throw asUploadError(error, app.config.UPLOAD_MAX_BYTES);
  }
  app.logger.info(
    { importId: leadImport._id, accepted: leadImport.accepted, rejected: leadImport.rejected, duplicates: leadImport.duplicatesOfExisting },
    'lead list imported',
  );
  await leadRouting(app).leadsQueued(leadImport);
  return leadImport;
}

/** The upload middleware's own size error (http-errors, status 413) in the API's error shape. */
function asUploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  if ((error as { status?: number }).status === 413) return payloadTooLarge(`The file is larger than the limit of ${maxBytes} bytes`);
  return error;
}

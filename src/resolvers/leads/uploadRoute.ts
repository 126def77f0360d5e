import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request, Response, Router } from 'express';
import { holdsRole, Role, type Principal } from '../../auth/roles';
import { AppError, badInput, forbidden, httpStatusOf, unauthenticated, type ErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import { closeAfterAnswer } from '../closeAfterAnswer';
import { LeadImport } from '../../schema/leads/leadImport.type';
import type { LeadUploads } from '../../services/leads/leadUploads';
import type { LeadImportDoc } from '../../services/leads/model';

export interface LeadUploadRouteOptions {
  uploads: LeadUploads;
  /** The caller of an Authorization header (API keys only: no anonymous viewer here). */
  authenticate: (authorization: string | undefined) => Promise<Principal | null>;
  logger: Logger;
}

/**
 * POST /uploads/leads for scripts: multipart/form-data with one file part (and optionally a
 * listName field before it, or ?listName=). Answers 201 with the LeadImport as JSON, or the
 * GraphQL error shape with the matching status. The key is checked before the body is read.
 */
export function mountLeadUploadRoute(router: Router, options: LeadUploadRouteOptions): void {
  router.post('/uploads/leads', async (req, res) => {
    try {
      const principal = await options.authenticate(req.get('authorization'));
      if (!principal) throw unauthenticated();
      if (!holdsRole(principal.role, Role.OPERATOR)) throw forbidden('Uploading leads needs the OPERATOR role');
      const leadImport = await receiveLeadList(req, options.uploads, principal.name);
      res.status(201).json({ leadImport: LeadImport.fromDocument(leadImport) });
    } catch (error) {
      sendError(req, res, options.logger, error);
    }
  });
}

function receiveLeadList(req: Request, uploads: LeadUploads, uploadedBy: string): Promise<LeadImportDoc> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 1024 } });
    } catch {
      reject(badInput('Send multipart/form-data with the lead list as a file part', 'file'));
      return;
    }
    let listName = typeof req.query.listName === 'string' ? req.query.listName : null;
    let started = false;
    parser.on('field', (name, value) => {
      if (name === 'listName') listName = value;
    });
    parser.on('file', (_field, file: Readable, info) => {
      if (started) return void file.resume();
      started = true;
      uploads.upload({ source: file, filename: info.filename ?? '', listName, uploadedBy }).then(resolve, reject);
    });
    parser.on('error', (error) =>
      reject(badInput(`The multipart body could not be read: ${(error as Error).message}`, 'file')),
    );
    parser.on('close', () => {
      if (!started) reject(badInput('The request has no file part', 'file'));
    });
    req.pipe(parser);
  });
}

function sendError(req: Request, res: Response, logger: Logger, error: unknown): void {
  const known = error instanceof AppError ? error : null;
  if (!known) logger.error({ err: error }, 'lead upload failed');
  const code: ErrorCode = known?.code ?? 'INTERNAL_SERVER_ERROR';
  const message = known?.message ?? 'Internal server error';
  // The client may still be sending (an oversized file, a refused key): answer now, then close.
  closeAfterAnswer(req, res);
  res.status(httpStatusOf(code)).json({ errors: [{ message, extensions: { code } }] });
}

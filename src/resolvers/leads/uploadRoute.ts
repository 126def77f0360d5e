import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request, Response, Router } from 'express';
import type { App } from '../../app';
import { resolvePrincipal } from '../../auth/principal';
import { holdsRole, Role } from '../../auth/roles';
import { AppError, badInput, forbidden, unauthenticated, type ErrorCode } from '../../errors';
import { LeadImport } from '../../schema/leads/leadImport.type';
import type { LeadImportDoc } from '../../services/leads/model';
import { uploadLeadList } from '../../services/leads/uploadLeadList';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
};

/**
 * POST /uploads/leads for scripts: multipart/form-data with one file part (and optionally a
 * listName field before it, or ?listName=). Answers 201 with the LeadImport as JSON, or the
 * GraphQL error shape with the matching status. The key is checked before the body is read.
 */
export function mountLeadUploadRoute(router: Router, app: App): void {
  router.post('/uploads/leads', async (req, res) => {
    try {
      const principal = await resolvePrincipal(app.db, req.get('authorization'), { allowAnonymousViewer: false });
      if (!principal) throw unauthenticated();
      if (!holdsRole(principal.role, Role.OPERATOR)) throw forbidden('Uploading leads needs the OPERATOR role');
      const leadImport = await receiveLeadList(req, app, principal.name);
      res.status(201).json({ leadImport: LeadImport.fromDocument(leadImport) });
    } catch (error) {
      sendError(req, res, app, error);
    }
  });
}

function receiveLeadList(req: Request, app: App, uploadedBy: string): Promise<LeadImportDoc> {
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
      uploadLeadList(app, { source: file, filename: info.filename ?? '', listName, uploadedBy }).then(resolve, reject);
    });
    parser.on('error', (error) => reject(badInput(`The multipart body could not be read: ${(error as Error).message}`, 'file')));
    parser.on('close', () => {
      if (!started) reject(badInput('The request has no file part', 'file'));
    });
    req.pipe(parser);
  });
}

function sendError(req: Request, res: Response, app: App, error: unknown): void {
  const known = error instanceof AppError ? error : null;
  if (!known) app.logger.error({ err: error }, 'lead upload failed');
  const code: ErrorCode = known?.code ?? 'INTERNAL_SERVER_ERROR';
  const message = known?.message ?? 'Internal server error';
  if (!req.complete) {
    // the client is still sending (an oversized file, a refused key): answer now and drop the
    // connection rather than reading the rest of the body
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.socket.destroy());
  }
  res.status(STATUS[code] ?? 500).json({ errors: [{ message, extensions: { code } }] });
}

import type { Request, Response, Router } from 'express';
import { holdsRole, Role, type Principal } from '../../auth/roles';
import { AppError, badInput, forbidden, httpStatusOf, unauthenticated, type ErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import { closeAfterAnswer } from '../closeAfterAnswer';
import type { FanIngest } from '../../services/fans/ingest/fanIngest';
import { ingestNdjson } from '../../services/fans/ingest/ingestNdjson';
import { readNdjsonLines, tooLarge } from '../../services/fans/ingest/ndjsonLines';

export interface FanIngestRouteOptions {
  ingest: FanIngest;
  /** The caller of an Authorization header (API keys only: no anonymous viewer here). */
  authenticate: (authorization: string | undefined) => Promise<Principal | null>;
  /** FAN_INGEST_MAX_BYTES. */
  maxBytes: number;
  logger: Logger;
}

/**
 * POST /ingest/fans for upstream systems and scripts (docs/pipelines/fans/ingestion.md): an
 * OPERATOR key, an NDJSON body of fan records (one a line, each with its `type`) up to
 * FAN_INGEST_MAX_BYTES. The whole body is read before any record is applied, so a body over the
 * limit is refused (413) with nothing kept; the answer (200) comes once every accepted record is
 * durable, and counts accepted and rejected lines, listing rejected ones with their reasons.
 */
export function mountFanIngestRoute(router: Router, options: FanIngestRouteOptions): void {
  router.post('/ingest/fans', async (req, res) => {
    try {
      const principal = await options.authenticate(req.get('authorization'));
      if (!principal) throw unauthenticated();
      if (!holdsRole(principal.role, Role.OPERATOR)) throw forbidden('Ingesting fan records needs the OPERATOR role');
      const declared = Number(req.get('content-length'));
      if (declared > options.maxBytes) throw tooLarge(options.maxBytes);
      const lines = await readNdjsonLines(req, options.maxBytes);
      if (lines.length === 0) throw badInput('The body has no records: send NDJSON, one JSON record a line');
      res.json(await ingestNdjson(options.ingest, lines));
    } catch (error) {
      sendError(req, res, options.logger, error);
    }
  });
}

function sendError(req: Request, res: Response, logger: Logger, error: unknown): void {
  const known = error instanceof AppError ? error : null;
  if (!known) logger.error({ err: error }, 'fan ingestion failed');
  const code: ErrorCode = known?.code ?? 'INTERNAL_SERVER_ERROR';
  const message = known?.message ?? 'Internal server error';
  // The client may still be sending (a body over the limit, a refused key): answer now, then close.
  closeAfterAnswer(req, res);
  res.status(httpStatusOf(code)).json({ errors: [{ message, extensions: { code } }] });
}

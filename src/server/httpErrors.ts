import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';

export function jsonError(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** Answers `status` with `body` as JSON, on the raw response (Express's or not). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Part of an answer is out already: all the client can be told is that it ends here.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}

/**
 * An error met while reading or answering an HTTP request (body parsing, uploads, feature
 * routes), answered in the GraphQL error shape with a code, never an HTML page or a stack.
 */
export function answerHttpError(app: App, failure: unknown, req: IncomingMessage, res: ServerResponse): void {
  // body-parser's and graphql-upload's errors (http-errors) carry a status, a type and whether their message may be shown.
  const error = failure as { status?: unknown; type?: unknown; expose?: unknown; message?: unknown } | undefined;
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (error?.type === 'entity.too.large') {
    sendJson(
      res,
      413,
      jsonError(
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than the limit of ${app.config.BODY_LIMIT_BYTES} bytes`,
      ),
    );
  } else if (status === 413) {
    // A multipart request over the upload middleware's caps (files, fields) or a feature route's own limit.
    sendJson(
      res,
      413,
      jsonError('PAYLOAD_TOO_LARGE', error?.expose ? String(error.message) : 'The request is too large'),
    );
  } else if (error?.type === 'entity.parse.failed') {
    sendJson(res, 400, jsonError('BAD_USER_INPUT', 'The request body is not valid JSON'));
  } else if (status >= 400 && status < 500 && error?.expose) {
    sendJson(res, status, jsonError('BAD_USER_INPUT', String(error.message)));
  } else {
    app.logger.error(
      { err: error, method: req.method, path: (req.url ?? '').split('?')[0] },
      'unexpected error in an HTTP request',
    );
    sendJson(res, 500, jsonError('INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A handler served on the raw node:http request, ahead of Express, for endpoints hit far more
 * often than the rest (the tracking pixel and click redirect): it answers true when it took the
 * request, false to leave it to Express (which serves every request it does not recognise).
 */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

import type { Request, Response } from 'express';

/**
 * How long a connection whose request body is refused unread goes on taking in, and dropping,
 * what the client still sends once it is answered: closing it at once would reset it, and a reset
 * can discard the answer before the client reads it.
 */
export const LINGER_MS = 2_000;

/**
 * For an answer sent while the client is still sending a body the service will not read (over a
 * limit, a refused key): the connection closes after the answer, gracefully, within LINGER_MS.
 */
export function closeAfterAnswer(req: Request, res: Response): void {
  if (req.complete) return;
  // Not `Connection: close`: Node's server would then destroy the socket as soon as the answer is
  // written, with the client's bytes unread, which resets the connection.
  res.once('finish', () => {
    const socket = req.socket;
    req.unpipe();
    req.resume();
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}

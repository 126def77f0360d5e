import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const IPV4_MAPPED = '::ffff:';

/**
 * The caller's address as the service sees it behind one proxy (Express's `trust proxy` 1): the
 * last X-Forwarded-For entry, which that proxy appended, else the connection's peer. It names a
 * rate-limit bucket in the store, so anything but an IP address falls back to the peer.
 */
export function clientAddressOf(request: IncomingMessage): string {
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header)?.split(',').at(-1)?.trim();
  const address = forwarded && isIP(forwarded) ? forwarded : (request.socket.remoteAddress ?? 'unknown');
  return address.startsWith(IPV4_MAPPED) && isIP(address.slice(IPV4_MAPPED.length)) === 4
    ? address.slice(IPV4_MAPPED.length)
    : address;
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tracking tokens name one campaign recipient: `<campaignId>.<memberId>.<signature>`, the
 * signature an HMAC-SHA256 (truncated to 128 bits) of both ids under TRACKING_SECRET. Without
 * the secret nobody can make a token for another recipient, and changing either id breaks it.
 */
export interface TrackingIdentity {
  campaignId: string;
  memberId: string;
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

function signature(secret: string, campaignId: string, memberId: string): string {
  return createHmac('sha256', secret)
    .update(`track\n${campaignId}\n${memberId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function signTrackingToken(secret: string, identity: TrackingIdentity): string {
  return `${identity.campaignId}.${identity.memberId}.${signature(secret, identity.campaignId, identity.memberId)}`;
}

/** The identity a token names, or null when it is malformed, forged or altered. */
export function verifyTrackingToken(secret: string, token: string): TrackingIdentity | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [campaignId, memberId, given] = parts;
  if (!idPattern.test(campaignId) || !idPattern.test(memberId)) return null;
  const expected = Buffer.from(signature(secret, campaignId, memberId));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { campaignId, memberId };
}

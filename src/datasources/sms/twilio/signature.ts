import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SmsWebhookParams } from '../port';

/**
 * Twilio's request signature (X-Twilio-Signature): HMAC-SHA1 with the account's auth token over
 * the full URL Twilio called (scheme, host, path, query) followed by every POST field, sorted by
 * name (case-sensitive), as name + value; a repeated field adds each value, sorted. Base64.
 */
export function twilioSignature(url: string, params: SmsWebhookParams, authToken: string): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    for (const each of Array.isArray(value) ? [...value].sort() : [value]) data += name + each;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * True when `signatureHeader` signs `url` and `params` with `authToken`, compared in constant
 * time. Proxies add or drop a default port (:443, :80) on the way, so the URL is also tried the
 * other way, as Twilio's own libraries do.
 */
export function verifyTwilioSignature(
  url: string,
  params: SmsWebhookParams,
  signatureHeader: string | undefined,
  authToken: string,
): boolean {
  if (!signatureHeader || !authToken) return false;
  const given = Buffer.from(signatureHeader, 'utf8');
  let matched = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(candidate, params, authToken), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

function urlVariants(url: string): string[] {
  const parts = /^(https?):\/\/([^/:?#]+)(:\d+)?(.*)$/i.exec(url);
  if (!parts) return [url];
  const [, scheme, host, port, rest] = parts;
  const defaultPort = scheme!.toLowerCase() === 'https' ? ':443' : ':80';
  if (port === undefined) return [url, `${scheme}://${host}${defaultPort}${rest}`];
  return port === defaultPort ? [url, `${scheme}://${host}${rest}`] : [url];
}

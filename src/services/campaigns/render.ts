import type { FrozenContent } from './model';

/**
 * Pure rendering of a campaign message: {{placeholders}} filled from the recipient, every
 * http(s) link replaced by its tracking redirect (by index into the template's link list), and
 * an open pixel appended to the HTML part. A link keeps its placeholders in the list: the
 * redirect renders it for the recipient the token names (renderLink), so each recipient lands
 * on their own address while a link's clicks are still counted together.
 */

const hrefPattern = /href\s*=\s*(["'])(https?:\/\/[^"']+)\1/gi;
/** A placeholder may hold spaces (`{{ name }}`), which end a bare URL anywhere else. */
const bareUrlPattern = /https?:\/\/(?:\{\{\s*[A-Za-z0-9_.-]+\s*\}\}|[^\s<>"')\]])+/gi;
const placeholderPattern = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The template's distinct links in order of first appearance: HTML hrefs, then text URLs. */
export function extractLinks(content: { html?: string | null; text?: string | null }): string[] {
  const links: string[] = [];
  const add = (url: string) => {
    if (!links.includes(url)) links.push(url);
  };
  for (const match of (content.html ?? '').matchAll(hrefPattern)) add(decodeHtml(match[2]));
  for (const match of (content.text ?? '').matchAll(bareUrlPattern)) add(match[0]);
  return links;
}

export interface RecipientVariables {
  email: string;
  name?: string | null;
  attributes: Record<string, string>;
}

export interface TrackingUrls {
  open: string;
  click(linkIndex: number): string;
}

export interface RenderedMessage {
  subject: string;
  html?: string;
  text?: string;
}

/** The value of a placeholder for one recipient: '' for what the recipient does not have. */
function lookupIn(recipient: RecipientVariables): (name: string) => string {
  return (name) => {
    if (name === 'email') return recipient.email;
    if (name === 'name') return recipient.name ?? '';
    const key = name.startsWith('attributes.') ? name.slice('attributes.'.length) : name;
    return recipient.attributes[key] ?? '';
  };
}

/** Unpaired UTF-16 surrogates, which no URL can encode (encodeURIComponent throws on them). */
const loneSurrogate = /\p{Surrogate}/gu;

/** A template link as one recipient follows it: each value URL-encoded, so it stays one URL. */
export function renderLink(link: string, recipient: RecipientVariables): string {
  return fill(link, lookupIn(recipient), (value) => encodeURIComponent(value.replace(loneSurrogate, '\uFFFD')));
}

export const hasPlaceholder = (text: string): boolean => new RegExp(placeholderPattern.source).test(text);

/** A plain text (a MOBILE campaign's SMS) for one recipient: placeholders filled, links as written. */
export function renderText(template: string, recipient: RecipientVariables): string {
  return fill(template, lookupIn(recipient), (value) => value);
}

export function renderMessage(
  content: FrozenContent,
  recipient: RecipientVariables,
  tracking: TrackingUrls,
): RenderedMessage {
  const lookup = lookupIn(recipient);
  const indexOf = (url: string) => content.links.indexOf(url);
  const rendered: RenderedMessage = { subject: fill(content.subject, lookup, (v) => v) };
  if (content.html) {
    const linked = content.html.replace(hrefPattern, (whole, quote: string, url: string) => {
      const index = indexOf(decodeHtml(url));
      return index < 0 ? whole : `href=${quote}${escapeHtml(tracking.click(index))}${quote}`;
    });
    const filled = fill(linked, lookup, escapeHtml);
    rendered.html = appendPixel(
      filled,
      `<img src="${escapeHtml(tracking.open)}" width="1" height="1" alt="" style="display:none">`,
    );
  }
  if (content.text) {
    const linked = content.text.replace(bareUrlPattern, (url) => {
      const index = indexOf(url);
      return index < 0 ? url : tracking.click(index);
    });
    rendered.text = fill(linked, lookup, (v) => v);
  }
  return rendered;
}

/** Every placeholder name used by a template, for validation when it is saved. */
export function placeholdersOf(...parts: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const part of parts) for (const match of (part ?? '').matchAll(placeholderPattern)) names.add(match[1]);
  return [...names];
}

function fill(source: string, lookup: (name: string) => string, escape: (value: string) => string): string {
  return source.replace(placeholderPattern, (_whole, name: string) => escape(lookup(name)));
}

function appendPixel(html: string, pixel: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close < 0 ? `${html}${pixel}` : `${html.slice(0, close)}${pixel}${html.slice(close)}`;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function decodeHtml(value: string): string {
  return value.replace(/&amp;/g, '&');
}

import { extractLinks } from './render';

const placeholder = /\{\{\s*[A-Za-z0-9_.-]+\s*\}\}/g;
/** An href whose value starts with a placeholder: its scheme and host would come from a recipient. */
const hrefFromPlaceholder = /href\s*=\s*(["'])\s*(\{\{[^"']*)\1/gi;
const schemeAndHost = /^https?:\/\/([^/?#]*)/i;

/**
 * Why a template link would not be one valid URL once its placeholders are filled, or null.
 * Values are URL-encoded into a link (renderLink), so any value keeps a path, query or fragment
 * valid; a host is not, so it must be written out.
 */
export function linkProblem(link: string): string | null {
  const shown = JSON.stringify(link.length > 100 ? `${link.slice(0, 100)}…` : link);
  const withoutPlaceholders = link.replace(placeholder, '');
  if (withoutPlaceholders.includes('{{') || withoutPlaceholders.includes('}}')) {
    return `link ${shown} has "{{" or "}}" that is not a placeholder ({{name}}: letters, digits, _ . -)`;
  }
  const host = schemeAndHost.exec(link)?.[1];
  if (host === undefined)
    return `link ${shown} must start with http:// or https:// and its host, not with a placeholder`;
  if (host.includes('{{')) return `link ${shown}: its host must be written out, not filled from a placeholder`;
  try {
    if (new URL(link.replace(placeholder, 'x')).hostname) return null;
  } catch {
    // reported below, as a URL without a host is
  }
  return `link ${shown} is not a valid URL`;
}

/** Every problem of the links of one template part, checked when the template is saved. */
export function templateLinkProblems(part: 'html' | 'text', body: string | null | undefined): string[] {
  if (!body) return [];
  const links = extractLinks(part === 'html' ? { html: body } : { text: body });
  if (part === 'html') for (const match of body.matchAll(hrefFromPlaceholder)) links.push(match[2]);
  return links.map(linkProblem).filter((problem): problem is string => problem !== null);
}

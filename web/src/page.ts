import type { Api } from './client';
import { ApiError } from './client';
import { h, type Child } from './dom';
import type { SignedInQuery } from './generated/graphql';

export type Viewer = SignedInQuery['me'];

/** What a page gets to draw itself. */
export interface PageContext {
  /** The page's own container; it is detached when the reader goes elsewhere. */
  root: HTMLElement;
  /** The route's captured parts (a campaign id...), decoded. */
  params: readonly string[];
  api: Api;
  viewer: Viewer;
  /** OPERATOR or ADMIN: sees the buttons that change things. */
  canOperate: boolean;
  /** Aborted when the page is left: stops its requests, subscriptions and charts. */
  signal: AbortSignal;
}

/** One page: draws into `context.root`; what it starts ends with `context.signal`. */
export type Page = (context: PageContext) => Promise<void>;

/** The page's heading, also the tab's title; focusable so a route change can move focus to it. */
export function pageHeading(text: string, ...after: Child[]): HTMLElement {
  document.title = `${text} · Campaign Hub`;
  return h('header', { class: 'page-header' }, h('h1', { tabindex: -1 }, text), ...after);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** An error the reader should notice at once. */
export const alertBox = (error: unknown): HTMLElement =>
  h('div', { role: 'alert', class: 'alert' }, errorMessage(error));

/**
 * A line that tells what an action did, read out politely by screen readers; `show` replaces
 * its text (an error is marked as one).
 */
export interface StatusLine {
  element: HTMLElement;
  show(message: string, failed?: boolean): void;
}

export function statusLine(): StatusLine {
  const element = h('p', { role: 'status', class: 'status-line' });
  return {
    element,
    show(message, failed = false) {
      element.textContent = message;
      element.classList.toggle('failed', failed);
    },
  };
}

/** True for the error a request throws when its page was left: nothing to show. */
export const isAbort = (error: unknown, signal: AbortSignal): boolean =>
  signal.aborted || (error instanceof DOMException && error.name === 'AbortError');

/** A link inside the dashboard. */
export const link = (path: string, text: Child): HTMLAnchorElement => h('a', { href: `#${path}` }, text);

/** Runs `action`, showing its failure in `status` (nothing when the page was left meanwhile). */
export async function attempt(action: () => Promise<void>, status: StatusLine, signal: AbortSignal): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isAbort(error, signal)) status.show(errorMessage(error), true);
  }
}

/**
 * For content drawn again (another range, a reload): each call returns a signal for one drawing
 * and aborts the one before it (its charts), as leaving the page aborts the last.
 */
export function redrawing(signal: AbortSignal): () => AbortSignal {
  let current: AbortController | undefined;
  signal.addEventListener('abort', () => current?.abort(), { once: true });
  return () => {
    current?.abort();
    current = new AbortController();
    if (signal.aborted) current.abort();
    return current.signal;
  };
}

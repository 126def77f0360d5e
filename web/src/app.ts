import { Api } from './client';
import { fill, h } from './dom';
import { alertBox, errorMessage, isAbort, link, pageHeading, type Viewer } from './page';
import { routeOf, sections, type SectionId } from './routes';
import { forgetKey } from './session';
import { label } from './format';

const canOperate = (viewer: Viewer) => viewer.role === 'OPERATOR' || viewer.role === 'ADMIN';

function navigation(): { element: HTMLElement; mark(section: SectionId | undefined): void } {
  const links = sections.map((section) => ({ section, anchor: link(section.path, section.label) }));
  const element = h(
    'nav',
    { 'aria-label': 'Dashboard pages' },
    h(
      'ul',
      null,
      links.map(({ anchor }) => h('li', null, anchor)),
    ),
  );
  return {
    element,
    mark(current) {
      for (const { section, anchor } of links) {
        if (section.id === current) anchor.setAttribute('aria-current', 'page');
        else anchor.removeAttribute('aria-current');
      }
    },
  };
}

/**
 * The signed-in dashboard: a banner with the navigation and who is signed in, and the main region
 * where the page of the location hash draws itself. A new hash aborts the page shown (its
 * requests, subscriptions and charts) before the next one starts.
 */
export function startDashboard(
  mount: HTMLElement,
  key: string,
  viewer: Viewer,
  signOut: (reason?: string) => void,
): void {
  const api = new Api(key, () => leave('The service no longer accepts this API key: sign in again.'));
  const nav = navigation();
  const main = h('main', { id: 'main', tabindex: -1 });
  let current: AbortController | undefined;
  let shown = 0;
  let left = false;

  function leave(reason?: string): void {
    // several requests may find the key refused at once: sign out once
    if (left) return;
    left = true;
    current?.abort();
    window.removeEventListener('hashchange', onHashChange);
    api.close();
    forgetKey();
    signOut(reason);
  }

  const onHashChange = () => void show();

  async function show(): Promise<void> {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const root = h('div', { class: 'page' });
    fill(main, root);
    const found = routeOf(location.hash);
    nav.mark(found?.route.section);
    if (!found) {
      fill(
        root,
        pageHeading('Page not found'),
        h('p', null, 'No dashboard page has this address. ', link('/', 'Go to the campaigns.')),
      );
      return;
    }
    main.setAttribute('aria-busy', 'true');
    const first = shown++ === 0;
    try {
      await found.route.page({
        root,
        params: found.params,
        api,
        viewer,
        canOperate: canOperate(viewer),
        signal: controller.signal,
      });
      // After a route change (not the first page), move focus to the new page's heading.
      if (!first && !controller.signal.aborted) root.querySelector<HTMLElement>('h1')?.focus();
    } catch (error) {
      if (isAbort(error, controller.signal)) return;
      if (!root.querySelector('h1')) root.prepend(pageHeading('This page could not be shown'));
      root.append(alertBox(errorMessage(error)));
    } finally {
      if (current === controller) main.removeAttribute('aria-busy');
    }
  }

  const skip = h('a', { class: 'skip-link', href: '#main' }, 'Skip to content');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  const banner = h(
    'header',
    { class: 'banner' },
    h('p', { class: 'brand' }, h('a', { href: '#/' }, 'Campaign Hub')),
    nav.element,
    h(
      'div',
      { class: 'who' },
      h('span', null, viewer.name, ' · ', h('span', { class: 'role' }, label(viewer.role))),
      h('button', { type: 'button', class: 'quiet', on: { click: () => leave() } }, 'Sign out'),
    ),
  );
  fill(mount, skip, banner, main);
  window.addEventListener('hashchange', onHashChange);
  void show();
}

import { Api, ApiError } from '../client';
import { fill, h } from '../dom';
import { SignedInDocument } from '../generated/graphql';
import { errorMessage, type Viewer } from '../page';
import { keepKey } from '../session';

async function whoIs(key: string): Promise<Viewer> {
  const { me } = await new Api(key, () => undefined).request(SignedInDocument, {});
  return me;
}

function explain(error: unknown): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
    return 'The service did not accept this API key: check it, or ask an admin for a new one.';
  }
  return `Could not sign in: ${errorMessage(error)}`;
}

/**
 * The sign-in form. A key remembered by this tab is tried first, without a form; a key that works
 * is kept in sessionStorage (this tab only) and handed to `onSignedIn`.
 */
export function showSignIn(
  mount: HTMLElement,
  options: { onSignedIn: (key: string, viewer: Viewer) => void; reason?: string; remembered?: string | null },
): void {
  document.title = 'Sign in · Campaign Hub';
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-help',
  });
  const problem = h('p', { role: 'alert', class: 'alert', hidden: !options.reason }, options.reason ?? '');
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading' },
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'hint' },
      'A key starts with chk_. It stays in this browser tab only, until you sign out or close the tab.',
    ),
    submit,
    problem,
  );

  async function tryKey(key: string): Promise<void> {
    submit.disabled = true;
    try {
      const viewer = await whoIs(key);
      keepKey(key);
      options.onSignedIn(key, viewer);
    } catch (error) {
      problem.textContent = explain(error);
      problem.hidden = false;
      input.focus();
    } finally {
      submit.disabled = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) void tryKey(key);
  });

  fill(
    mount,
    h(
      'main',
      { id: 'main', class: 'sign-in-page' },
      h('h1', { id: 'sign-in-heading' }, 'Campaign Hub'),
      h(
        'p',
        null,
        'Sign in with an API key. A viewer key reads every page; an operator key also retries jobs, exports and runs waves. ',
        'An admin creates keys with ',
        h('code', null, 'npm run cli -- create-api-key --role viewer --name "wall screen"'),
        '.',
      ),
      form,
    ),
  );
  if (options.remembered) void tryKey(options.remembered);
  else input.focus();
}

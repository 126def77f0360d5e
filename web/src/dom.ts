/** What an element may contain: nodes, text (never parsed as HTML), or nothing. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Listener = (event: Event) => void;

/**
 * Attributes by name (`class`, `for`, `aria-label`, `data-*`...): false, null and undefined leave
 * the attribute out, true sets it empty. Functions under `on` become event listeners.
 */
export interface Props {
  [name: string]: string | number | boolean | null | undefined | Record<string, Listener>;
}

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const each of child as readonly Child[]) append(parent, each);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Creates an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (typeof value === 'object' && value !== null) {
      for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Replaces everything inside `parent` with `children`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A section with its own heading, labelled by it for screen readers. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': `${id}-heading`, class: 'panel' },
    h('h2', { id: `${id}-heading` }, title),
    ...children,
  );
}

export interface Figure {
  label: string;
  value: Child;
  /** Names the figure for tests and for styling (`data-figure`). */
  name?: string;
}

/** Key figures as a description list: a tile per figure, label above value. */
export function figures(items: readonly Figure[]): HTMLElement {
  return h(
    'dl',
    { class: 'figures' },
    items.map(({ label, value, name }) =>
      h('div', { class: 'figure', 'data-figure': name }, h('dt', null, label), h('dd', null, value)),
    ),
  );
}

export interface Column<Row> {
  header: string;
  cell: (row: Row) => Child;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

/**
 * A table with a caption and column headers, in a region that scrolls sideways on narrow screens
 * (focusable, so a keyboard can scroll it too). `empty` is shown instead when there are no rows.
 */
export function dataTable<Row>(options: {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  empty: string;
  name?: string;
}): HTMLElement {
  const { caption, columns, rows, empty, name } = options;
  if (rows.length === 0) return h('p', { class: 'empty', 'data-table': name }, empty);
  const numeric = (column: Column<Row>) => (column.numeric ? 'num' : null);
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      { 'data-table': name },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((column) => h('th', { scope: 'col', class: numeric(column) }, column.header)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            null,
            columns.map((column) => h('td', { class: numeric(column) }, column.cell(row))),
          ),
        ),
      ),
    ),
  );
}

/** A button that runs `action`, disabled while it runs. */
export function actionButton(label: string, action: () => Promise<void>, props: Props = {}): HTMLButtonElement {
  const button = h('button', { type: 'button', ...props }, label);
  button.addEventListener('click', () => {
    button.disabled = true;
    void action().finally(() => {
      button.disabled = false;
    });
  });
  return button;
}

import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

interface Measure {
  /** Field selections, each alias and __typename included, fragments expanded. */
  fields: number;
  /** Nesting of fields, introspection fields not counted. */
  depth: number;
}

export interface DocumentMeasure {
  /** Of the whole document: every operation, and fragments no operation uses (validation reads them too). */
  fields: number;
  operations: Array<{ operation: OperationDefinitionNode; depth: number }>;
}

const NOTHING: Measure = { fields: 0, depth: 0 };

/**
 * Measures a parsed document. Each fragment is measured once and its measure reused wherever it
 * is spread, so fragments that spread each other twice (doubling at every level) cost this walk
 * their text, not their expansion. Counts saturate at MAX_SAFE_INTEGER.
 */
export function measureDocument(document: DocumentNode): DocumentMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Measure>();
  // A fragment cycle is a validation error graphql reports itself; here it counts as nothing.
  const visiting = new Set<string>();

  const fragmentMeasure = (name: string): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return NOTHING;
    visiting.add(name);
    const measure = selectionMeasure(fragment.selectionSet);
    visiting.delete(name);
    measured.set(name, measure);
    return measure;
  };

  const selectionMeasure = (selectionSet: SelectionSetNode | undefined): Measure => {
    if (!selectionSet) return NOTHING;
    let fields = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const children = selectionMeasure(selection.selectionSet);
        // Explorers send a standard introspection query deeper than any sane limit; its cost is
        // bounded by the schema, not by the client, so its depth is not counted (its fields are).
        const introspection = selection.name.value.startsWith('__');
        inner = { fields: 1 + children.fields, depth: introspection ? 0 : 1 + children.depth };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selectionMeasure(selection.selectionSet);
      } else {
        inner = fragmentMeasure(selection.name.value);
      }
      fields = Math.min(Number.MAX_SAFE_INTEGER, fields + inner.fields);
      depth = Math.max(depth, inner.depth);
    }
    return { fields, depth };
  };

  let fields = 0;
  const operations: DocumentMeasure['operations'] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const measure = selectionMeasure(definition.selectionSet);
    fields = Math.min(Number.MAX_SAFE_INTEGER, fields + measure.fields);
    operations.push({ operation: definition, depth: measure.depth });
  }
  for (const name of fragments.keys()) {
    if (!measured.has(name)) fields = Math.min(Number.MAX_SAFE_INTEGER, fields + fragmentMeasure(name).fields);
  }
  return { fields, operations };
}

import type { Document } from './bson';
import type { ViewDefinition } from './catalog';
import type { Engine } from './engine';
import { badValue, serverError } from './errors';
import { STAGES } from './operatorSupport';
import { checkPipeline } from './pipelineCheck';

/**
 * Read-only views, kept in the catalog: reads run the view's pipeline over its source (views on
 * views resolve to one pipeline over a collection); writes and index commands are refused as
 * MongoDB refuses them.
 */

/** The view of that name; a collection of that name (never both) makes it undefined. */
export function viewOf(engine: Engine, name: string): ViewDefinition | undefined {
  if (engine.collectionEntry(name)) return undefined;
  return engine.catalog.views?.[name];
}

/** The collection a view reads and the whole pipeline it runs over it. */
export function resolveView(engine: Engine, name: string): { source: string; pipeline: Document[] } | undefined {
  let view = viewOf(engine, name);
  if (!view) return undefined;
  const pipeline: Document[] = [];
  let source = name;
  while (view) {
    pipeline.unshift(...view.pipeline);
    source = view.viewOn;
    view = viewOf(engine, source);
  }
  return { source, pipeline };
}

export function notOnView(engine: Engine, name: string, message?: string): never {
  const why = message ?? `Namespace ${engine.options.dbName}.${name} is a view, not a collection`;
  throw serverError(166, 'CommandNotSupportedOnView', why);
}

/** Inside a write transaction: refuses a write or index command aimed at a view, with the server's message. */
export function refuseView(engine: Engine, name: string, message?: string): void {
  if (viewOf(engine, name)) notOnView(engine, name, message);
}

/** A view's reads take the view's collation (always simple here): another one is refused, as MongoDB does. */
export function refuseCollationOnView(engine: Engine, name: string, collation: unknown): void {
  if (collation !== undefined && viewOf(engine, name)) {
    throw serverError(167, 'OptionNotSupportedOnView', "Cannot override a view's default collation");
  }
}

function sameDefinition(a: ViewDefinition, b: ViewDefinition): boolean {
  return a.viewOn === b.viewOn && JSON.stringify(a.pipeline) === JSON.stringify(b.pipeline);
}

/** Inside a write transaction: creates a view (the same definition again is a no-op). */
export function createView(engine: Engine, name: string, viewOn: unknown, pipeline: unknown = []): void {
  if (typeof viewOn !== 'string' || viewOn.length === 0) badValueOf("'viewOn' must be a collection name");
  if (!Array.isArray(pipeline)) badValueOf("'pipeline' must be an array");
  checkPipeline(pipeline as Document[]);
  for (const stage of pipeline as Document[]) {
    const [stageName] = Object.keys(stage);
    if (!Object.hasOwn(STAGES, stageName!)) {
      throw serverError(40324, 'UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${stageName}'`);
    }
  }
  const definition: ViewDefinition = { viewOn: viewOn as string, pipeline: pipeline as Document[] };
  const existing = engine.catalog.views?.[name];
  if (existing && sameDefinition(existing, definition)) return;
  if (existing || engine.collectionEntry(name)) {
    throw serverError(48, 'NamespaceExists', `Namespace already exists: ${engine.options.dbName}.${name}`);
  }
  for (
    let source: string | undefined = definition.viewOn;
    source !== undefined;
    source = engine.catalog.views?.[source]?.viewOn
  ) {
    if (source === name)
      throw serverError(160, 'GraphContainsCycle', `View cycle detected: ${name} -> ${definition.viewOn}`);
  }
  engine.catalog.views = { ...engine.catalog.views, [name]: definition };
  engine.saveCatalog();
}

function badValueOf(message: string): never {
  throw badValue(message);
}

import { update as applyOperators } from 'mingo';
import type { Document } from './bson';
import { conflictingUpdate, failedToParse, fromMingoError, immutableId, invalidArgument, serverError } from './errors';
import { aggregatorFor, type Evaluation } from './evaluation';
import { fastUpdate } from './fastUpdate';
import { encodeKey } from './keyCodec';
import { STAGES } from './operatorSupport';
import { refuseScripts } from './scripts';
import { isOperatorObject, isPlainObject } from './values';
import { idFirst } from './writes';

/** Update operators the engine accepts; anything else is an error, never silently ignored. */
const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$setOnInsert',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$currentDate',
  '$rename',
  '$bit',
]);

export type UpdateSpec = Document | Document[];

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** The update's filter: the positional operator `$` refers to the array element it matched. */
  filter?: Document;
  /** The operation's `let` variables and collation, for pipeline updates. */
  evaluation?: Evaluation;
}

/** The stages MongoDB runs in a pipeline update. */
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

function checkUpdatePipeline(pipeline: Document[]): void {
  refuseScripts(pipeline);
  for (const stage of pipeline) {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    if (names.length !== 1) {
      throw serverError(40323, 'Location40323', 'A pipeline stage specification object must contain exactly one field');
    }
    const name = names[0]!;
    if (!Object.hasOwn(STAGES, name)) {
      throw serverError(40324, 'UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${name}'`);
    }
    if (!PIPELINE_UPDATE_STAGES.has(name)) {
      throw serverError(72, 'InvalidOptions', `${name} is not allowed to be used within an update`);
    }
  }
}

type UpdateOperator = (expression: Document, arrayFilters?: Document[]) => (document: Document) => string[];

/**
 * mingo's update operators, called one by one. mingo's `update()` builds a fresh operator
 * context on every call (about 100 µs); the operators themselves carry what they need.
 * The subpath is in mingo's package exports but has no typings for classic module resolution.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no typings to import it by
const updateOperators = require('mingo/operators/update') as Record<string, UpdateOperator>;

function usesPositional(modifier: Document): boolean {
  return Object.values(modifier).some(
    (fields) => isPlainObject(fields) && Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)),
  );
}

/** Validates an update document the way the driver and server do, before touching data. */
export function checkUpdate(update: UpdateSpec): void {
  if (Array.isArray(update)) {
    checkUpdatePipeline(update);
    return;
  }
  if (!isPlainObject(update) || !isOperatorObject(update)) {
    throw invalidArgument('Update document requires atomic operators');
  }
  const paths: string[] = [];
  for (const operator of Object.keys(update)) {
    const fields: unknown = update[operator];
    if (!OPERATORS.has(operator)) {
      throw failedToParse(
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields))
      throw failedToParse(`Modifiers operate on fields but we found type ${typeof fields} instead`);
    for (const path of Object.keys(fields)) {
      paths.push(path);
      if (operator === '$rename') paths.push(String(fields[path]));
    }
  }
  assertNoConflicts(paths);
}

/** Top-level names only (the usual update), none twice: no two paths can conflict. */
function plainlyDistinct(paths: string[]): boolean {
  for (const path of paths) if (path.includes('.')) return false;
  return new Set(paths).size === paths.length;
}

function assertNoConflicts(paths: string[]): void {
  if (plainlyDistinct(paths)) return;
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current === previous || current.startsWith(`${previous}.`)) throw conflictingUpdate(current, previous);
  }
}

/** A replacement document (for replaceOne/findOneAndReplace) must not contain operators. */
export function checkReplacement(replacement: Document): void {
  if (!isPlainObject(replacement) || Object.keys(replacement).some((key) => key.startsWith('$'))) {
    throw invalidArgument('Replacement document must not contain atomic operators');
  }
}

/**
 * Applies an operator or pipeline update to a copy of `document`. `$setOnInsert` applies only
 * when the update inserts (mingo has no such operator: it becomes `$set` there).
 */
export function applyUpdate(
  document: Document,
  update: UpdateSpec,
  inserting: boolean,
  options: UpdateOptions = {},
): Document {
  if (Array.isArray(update)) return applyPipelineUpdate(document, update, options.evaluation);
  const modifier = update.$setOnInsert === undefined ? update : foldSetOnInsert(update, inserting);
  const fast = options.arrayFilters ? undefined : fastUpdate(document, modifier);
  if (fast) return fast;
  const target: Document = structuredCloneDocument(document);
  try {
    if (usesPositional(modifier)) {
      // `$` needs the filter to find the matched element: only mingo's full update() has it.
      applyOperators(target, modifier as never, options.arrayFilters, options.filter);
    } else {
      for (const [operator, expression] of Object.entries(modifier)) {
        updateOperators[operator]!(expression, options.arrayFilters)(target);
      }
    }
  } catch (error) {
    throw fromMingoError(error);
  }
  return keepIdFirst(document, target);
}

/** One compiled pipeline per update call, whatever the number of documents it changes. */
const compiledPipelines = new WeakMap<Document[], { evaluation?: Evaluation; run: (document: Document) => unknown }>();

function compiledPipeline(pipeline: Document[], evaluation: Evaluation | undefined): (document: Document) => unknown {
  const cached = compiledPipelines.get(pipeline);
  if (cached && cached.evaluation === evaluation) return cached.run;
  const aggregator = aggregatorFor(pipeline, evaluation);
  const run = (document: Document) => aggregator.run([document])[0];
  compiledPipelines.set(pipeline, { evaluation, run });
  return run;
}

/**
 * A pipeline update: the stages run on the document, as an aggregation would run them. A result
 * without `_id` keeps the document's, as in MongoDB; a different `_id` is refused.
 */
function applyPipelineUpdate(document: Document, pipeline: Document[], evaluation: Evaluation | undefined): Document {
  let output: unknown;
  try {
    output = compiledPipeline(pipeline, evaluation)(structuredCloneDocument(document));
  } catch (error) {
    throw fromMingoError(error);
  }
  if (!isPlainObject(output)) {
    throw serverError(40228, 'Location40228', "'replacement document' must evaluate to an object");
  }
  const result = output._id === undefined && document._id !== undefined ? { _id: document._id, ...output } : output;
  return keepIdFirst(document, result);
}

/**
 * The update without `$setOnInsert`, whose fields join `$set` when the update inserts. Copied by
 * keys rather than rest destructuring, which V8 runs in a slow generic path (every bulk upsert
 * of an import comes here).
 */
function foldSetOnInsert(update: Document, inserting: boolean): Document {
  const operators: Document = {};
  for (const operator of Object.keys(update)) if (operator !== '$setOnInsert') operators[operator] = update[operator];
  const { $setOnInsert } = update;
  if (inserting && $setOnInsert) operators.$set = operators.$set ? merged(operators.$set, $setOnInsert) : $setOnInsert;
  return operators;
}

/**
 * The fields of `a` then those of `b`, in a new object. Object.assign onto an empty object is
 * fifteen times quicker than spreading both (V8 gives each field added to a spread copy a shape
 * of its own), but would make a `__proto__` field the object's prototype.
 */
function merged(a: Document, b: Document): Document {
  if (Object.hasOwn(a, '__proto__') || Object.hasOwn(b, '__proto__')) return { ...a, ...b };
  return Object.assign({}, a, b);
}

/** `_id` is immutable and stays the first field. */
function keepIdFirst(before: Document, after: Document): Document {
  if (before._id !== undefined && (after._id === undefined || !encodeKey(after._id).equals(encodeKey(before._id)))) {
    throw immutableId();
  }
  if (after._id === undefined) return after;
  return idFirst(after);
}

/** A replacement keeps the stored `_id` (and may repeat it, but not change it). */
export function applyReplacement(document: Document, replacement: Document): Document {
  return keepIdFirst(document, { _id: document._id, ...replacement });
}

/**
 * The document an upsert starts from, as MongoDB builds it: the filter's equality conditions
 * (top level, `$eq`, and inside `$and`), dotted paths becoming sub-documents.
 */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  const collect = (clause: Document): void => {
    for (const path of Object.keys(clause)) {
      const condition = clause[path];
      if (path === '$and' && Array.isArray(condition)) {
        for (const inner of condition) if (isPlainObject(inner)) collect(inner);
        continue;
      }
      if (path.startsWith('$')) continue;
      if (isPlainObject(condition) && isOperatorObject(condition)) {
        if ('$eq' in condition) setPath(seed, path, condition.$eq);
        continue;
      }
      if (condition instanceof RegExp) continue;
      setPath(seed, path, condition);
    }
  };
  collect(filter);
  return seed;
}

function setPath(target: Document, path: string, value: unknown): void {
  if (!path.includes('.')) {
    target[path] = value;
    return;
  }
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(node[segment])) node[segment] = {};
    node = node[segment] as Document;
  }
  node[segments[segments.length - 1]!] = value;
}

/** Copies plain objects and arrays; BSON values (immutable) are shared. */
function structuredCloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map((element) => structuredCloneDocument(element)) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const [key, field] of Object.entries(value)) copy[key] = structuredCloneDocument(field);
    return copy as T;
  }
  return value;
}

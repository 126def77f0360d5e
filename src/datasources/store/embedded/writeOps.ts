import type { Document } from './bson';
import { describeUpdate } from './diff';
import type { Engine } from './engine';
import type { Evaluation } from './evaluation';
import { runQuery } from './query';
import { emptyStats } from './scan';
import { singleMatch } from './singleMatch';
import { applyReplacement, applyUpdate, upsertSeed, type UpdateSpec } from './update';
import { normalizeSort } from './values';
import { insertDocument, removeDocument, rewriteDocument, type StoredDocument } from './writes';

/**
 * Single-document and multi-document writes, each run inside the engine's write transaction.
 * Each document change is atomic (the primitives in writes.ts check before they write), as in
 * MongoDB; a multi-document write that fails part-way keeps the documents already changed,
 * as in MongoDB, and the whole call is one LMDB commit.
 */

export interface WriteOneOptions {
  upsert?: boolean;
  sort?: unknown;
  arrayFilters?: Document[];
  /** The operation's collation and `let` variables, when it has either. */
  evaluation?: Evaluation;
}

export interface WriteOneOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  before?: Document;
  after?: Document;
}

export type Change = { kind: 'update'; update: UpdateSpec } | { kind: 'replace'; replacement: Document };

function firstMatch(
  engine: Engine,
  collectionName: string,
  filter: Document,
  sort: unknown,
  evaluation: Evaluation | undefined,
): StoredDocument | undefined {
  const collection = engine.collectionEntry(collectionName);
  if (!collection) return undefined;
  const sortPairs = normalizeSort(sort);
  // A filter fixing `_id` or a unique key (an upsert's usual filter): one lookup, no cursor, and
  // no sort, as at most one document matches.
  const single = singleMatch(engine, collection, filter, evaluation);
  if (single) return single.stored;
  const spec = { filter, sort: sortPairs, skip: 0, limit: 1, evaluation };
  const { results } = runQuery(engine, collectionName, spec, emptyStats());
  const first = results.next();
  results.return(undefined);
  return first.done ? undefined : first.value;
}

function updateOptionsOf(options: WriteOneOptions) {
  return { arrayFilters: options.arrayFilters, evaluation: options.evaluation };
}

function nextVersion(current: Document, change: Change, filter: Document, options: WriteOneOptions): Document {
  return change.kind === 'replace'
    ? applyReplacement(current, change.replacement)
    : applyUpdate(current, change.update, false, { ...updateOptionsOf(options), filter });
}

function upsertDocument(filter: Document, change: Change, options: WriteOneOptions): Document {
  const seed = upsertSeed(filter);
  if (change.kind === 'replace') {
    return seed._id !== undefined && change.replacement._id === undefined
      ? { _id: seed._id, ...change.replacement }
      : change.replacement;
  }
  return applyUpdate(seed, change.update, true, updateOptionsOf(options));
}

/** Inside a write transaction: updates or replaces the first match, or upserts. */
export function writeOne(
  engine: Engine,
  collectionName: string,
  filter: Document,
  change: Change,
  options: WriteOneOptions,
): WriteOneOutcome {
  const current = firstMatch(engine, collectionName, filter, options.sort, options.evaluation);
  if (current) {
    const next = nextVersion(current.document, change, filter, options);
    const collection = engine.ensureCollection(collectionName);
    const op = change.kind === 'replace' ? 'replace' : 'update';
    const describe = op === 'update' ? () => describeUpdate(current.document, next) : undefined;
    const written = rewriteDocument(engine, collection, current, next, op, describe);
    return {
      matched: 1,
      modified: written ? 1 : 0,
      before: current.document,
      after: written ? next : current.document,
    };
  }
  if (!options.upsert) return { matched: 0, modified: 0 };
  const document = upsertDocument(filter, change, options);
  const collection = engine.ensureCollection(collectionName);
  // An upsert keeps a `null` _id from its filter, as the server does.
  const stored = insertDocument(engine, collection, document, true);
  return { matched: 0, modified: 0, upsertedId: stored.document._id, after: stored.document };
}

/**
 * Every match, collected before changing anything (an update may move index entries). Each is
 * changed from what the scan read (its bytes are LMDB's copy): reading and decoding it again
 * by _id cost as much as the scan itself.
 */
function matchingDocuments(
  engine: Engine,
  collectionName: string,
  filter: Document,
  evaluation: Evaluation | undefined,
): StoredDocument[] {
  const spec = { filter, sort: [], skip: 0, limit: 0, evaluation };
  const { results } = runQuery(engine, collectionName, spec, emptyStats());
  return [...results];
}

/** Inside a write transaction: updates every match (or upserts one when none matches). */
export function writeMany(
  engine: Engine,
  collectionName: string,
  filter: Document,
  update: UpdateSpec,
  options: WriteOneOptions,
): WriteOneOutcome {
  const matches = matchingDocuments(engine, collectionName, filter, options.evaluation);
  if (matches.length === 0) return writeOne(engine, collectionName, filter, { kind: 'update', update }, options);
  const collection = engine.ensureCollection(collectionName);
  let modified = 0;
  for (const current of matches) {
    const next = applyUpdate(current.document, update, false, { ...updateOptionsOf(options), filter });
    const written = rewriteDocument(engine, collection, current, next, 'update', () =>
      describeUpdate(current.document, next),
    );
    if (written) modified++;
  }
  return { matched: matches.length, modified };
}

/** Inside a write transaction: deletes the first match (by `sort`) or every match; returns the count and the first. */
export function deleteMatches(
  engine: Engine,
  collectionName: string,
  filter: Document,
  many: boolean,
  sort?: unknown,
  evaluation?: Evaluation,
): { count: number; first?: Document } {
  const collection = engine.collectionEntry(collectionName);
  if (!collection) return { count: 0 };
  if (!many) {
    const current = firstMatch(engine, collectionName, filter, sort, evaluation);
    if (!current) return { count: 0 };
    removeDocument(engine, collection, current);
    return { count: 1, first: current.document };
  }
  const matches = matchingDocuments(engine, collectionName, filter, evaluation);
  for (const stored of matches) removeDocument(engine, collection, stored);
  return { count: matches.length };
}

/** Inside a write transaction: inserts one document. */
export function insertOneInTxn(engine: Engine, collectionName: string, document: Document): StoredDocument {
  const collection = engine.ensureCollection(collectionName);
  return insertDocument(engine, collection, document);
}

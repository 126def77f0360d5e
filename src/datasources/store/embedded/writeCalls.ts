import type { Document } from './bson';
import { applyBulk, type BulkOperation, type BulkOutcome } from './bulk';
import type { IndexSpec } from './catalog';
import { dropCollectionInTxn } from './dropCollection';
import type { Engine } from './engine';
import { serverError } from './errors';
import { evaluationOf } from './evaluation';
import { createIndexInTxn, dropIndexInTxn } from './indexAdmin';
import { trimOplogInTxn } from './oplog';
import type { UpdateSpec } from './update';
import { createView, refuseView } from './views';
import { deleteMatches, insertOneInTxn, writeMany, writeOne, type Change, type WriteOneOutcome } from './writeOps';

/** A write's collation and `let`, as the caller gave them (evaluated where the write runs). */
export interface EvaluationOptions {
  collation?: unknown;
  let?: unknown;
}

/** updateOne/replaceOne/findOneAnd*'s options that change what the write does. */
export interface WriteCallOptions extends EvaluationOptions {
  upsert?: boolean;
  sort?: unknown;
  arrayFilters?: Document[];
}

/** The options a write call carries to the write transaction: those of the caller's that change what it does. */
export function writeCallOptions(options: WriteCallOptions): WriteCallOptions {
  const { upsert, sort, arrayFilters } = options;
  return {
    ...evaluationOptions(options),
    ...(upsert !== undefined ? { upsert } : {}),
    ...(sort !== undefined ? { sort } : {}),
    ...(arrayFilters !== undefined ? { arrayFilters } : {}),
  };
}

export function evaluationOptions(options: EvaluationOptions): EvaluationOptions {
  return {
    ...(options.collation !== undefined ? { collation: options.collation } : {}),
    ...(options.let !== undefined ? { let: options.let } : {}),
  };
}

/**
 * The embedded store's write calls, as data: what each asks for, run inside the write
 * transaction by `runWriteCall`, on the main thread or on the writer thread (writerThread.ts),
 * to which a call crosses as BSON, as the driver sends it to MongoDB.
 */
export type WriteCall =
  | { kind: 'insertOne'; collection: string; document: Document }
  | {
      kind: 'writeOne';
      collection: string;
      filter: Document;
      change: Change;
      options: WriteCallOptions;
      /** Whether the answer carries the document before and after (findOneAnd*). */
      documents: boolean;
    }
  | { kind: 'writeMany'; collection: string; filter: Document; update: UpdateSpec; options: WriteCallOptions }
  | {
      kind: 'delete';
      collection: string;
      filter: Document;
      many: boolean;
      sort?: unknown;
      options: EvaluationOptions;
      /** Whether the answer carries the deleted document (findOneAndDelete). */
      document: boolean;
    }
  | { kind: 'bulkWrite'; collection: string; operations: BulkOperation[]; ordered: boolean; variables?: Document }
  | { kind: 'createCollection'; collection: string; viewOn?: unknown; pipeline?: unknown }
  | { kind: 'dropCollection'; collection: string }
  | { kind: 'createIndex'; collection: string; definition: Omit<IndexSpec, 'id' | 'multikey'> }
  | { kind: 'dropIndex'; collection: string; name: string }
  | { kind: 'trimOplog'; cutoff: number; maxEntries: number; batch: number };

/** What each kind of write call answers: plain data, so it crosses back from the writer thread as BSON. */
export interface WriteCallResults {
  insertOne: { insertedId: unknown };
  writeOne: WriteOneOutcome;
  writeMany: WriteOneOutcome;
  delete: { count: number; first?: Document };
  bulkWrite: BulkOutcome;
  createCollection: true;
  dropCollection: boolean;
  createIndex: string;
  dropIndex: true;
  trimOplog: { removed: number; done: boolean };
}

export type WriteCallResult<K extends WriteCall['kind']> = WriteCallResults[K];

/** The collection a write call writes, or `other` (what write transactions are timed under). */
export function labelOf(call: WriteCall): string {
  return call.kind === 'trimOplog' ? 'other' : call.collection;
}

/** Inside the write transaction: runs one write call. */
export function runWriteCall(engine: Engine, call: WriteCall): WriteCallResults[WriteCall['kind']] {
  switch (call.kind) {
    case 'insertOne':
      refuseView(engine, call.collection);
      return { insertedId: insertOneInTxn(engine, call.collection, call.document).document._id };
    case 'writeOne': {
      refuseView(engine, call.collection);
      const outcome = writeOne(engine, call.collection, call.filter, call.change, writeOptions(call.options));
      if (call.documents) return outcome;
      const { before: _before, after: _after, ...counts } = outcome;
      return counts;
    }
    case 'writeMany': {
      refuseView(engine, call.collection);
      const outcome = writeMany(engine, call.collection, call.filter, call.update, writeOptions(call.options));
      const { before: _before, after: _after, ...counts } = outcome;
      return counts;
    }
    case 'delete': {
      refuseView(engine, call.collection);
      const evaluation = evaluationOf(call.options);
      const deleted = deleteMatches(engine, call.collection, call.filter, call.many, call.sort, evaluation);
      return call.document ? deleted : { count: deleted.count };
    }
    case 'bulkWrite':
      refuseView(engine, call.collection);
      return applyBulk(engine, call.collection, call.operations, call.ordered, call.variables);
    case 'createCollection':
      if (call.viewOn !== undefined) createView(engine, call.collection, call.viewOn, call.pipeline);
      else if (engine.catalog.views?.[call.collection])
        throw serverError(
          48,
          'NamespaceExists',
          `Namespace already exists: ${engine.options.dbName}.${call.collection}`,
        );
      else engine.ensureCollection(call.collection);
      return true;
    case 'dropCollection':
      return dropCollectionInTxn(engine, call.collection);
    case 'createIndex':
      return createIndexInTxn(engine, call.collection, call.definition);
    case 'dropIndex':
      dropIndexInTxn(engine, call.collection, call.name);
      return true;
    case 'trimOplog':
      return trimOplogInTxn(engine, call.cutoff, call.maxEntries, call.batch);
  }
}

function writeOptions(options: WriteCallOptions) {
  const evaluation = evaluationOf(options);
  return evaluation ? { ...options, evaluation } : options;
}

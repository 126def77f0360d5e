import { MongoBulkWriteError, MongoServerError, type BulkWriteResult as DriverBulkWriteResult } from 'mongodb';
import type { Document } from './bson';
import { guardFilter, guardUpdate } from './collationGuard';
import type { Engine } from './engine';
import { invalidArgument } from './errors';
import { evaluationOf, withVariables, type Evaluation } from './evaluation';
import { gateFor, type OptionGate } from './optionGate';
import { checkReplacement, checkUpdate } from './update';
import { deleteMatches, insertOneInTxn, writeMany, writeOne } from './writeOps';
import { withId } from './writes';
import { BULK_MODEL_FIELDS } from '../optionSupport';
import type { BulkWriteResult } from '../port';

interface UpdateModel {
  filter: Document;
  update: Document | Document[];
  upsert?: boolean;
  arrayFilters?: Document[];
  collation?: Document;
}

/** bulkWrite's operation models, as the driver accepts them. */
export type BulkOperation =
  | { insertOne: { document: Document } }
  | { updateOne: UpdateModel & { sort?: unknown } }
  | { updateMany: UpdateModel }
  | { replaceOne: { filter: Document; replacement: Document; upsert?: boolean; sort?: unknown; collation?: Document } }
  | { deleteOne: { filter: Document; collation?: Document } }
  | { deleteMany: { filter: Document; collation?: Document } };

/** One failed operation of a bulk write, shaped like the driver's WriteError (not exported by it). */
export interface WriteErrorDetails {
  index: number;
  code: number;
  errmsg: string;
  errInfo?: Document;
  op: Document;
}

/** One failed operation of a bulk write, shaped like the driver's WriteError (not exported by it). */
export class WriteError {
  constructor(readonly err: WriteErrorDetails) {}
  get code(): number {
    return this.err.code;
  }
  get index(): number {
    return this.err.index;
  }
  get errmsg(): string {
    return this.err.errmsg;
  }
  get errInfo(): Document | undefined {
    return this.err.errInfo;
  }
  getOperation(): Document {
    return this.err.op;
  }
  toJSON(): Document {
    return { code: this.code, index: this.index, errmsg: this.errmsg, op: this.err.op };
  }
  toString(): string {
    return `WriteError(${JSON.stringify(this.toJSON())})`;
  }
}

/** The driver's BulkWriteResult shape (its constructor is internal to the driver). */
export class EmbeddedBulkWriteResult implements BulkWriteResult {
  insertedCount = 0;
  matchedCount = 0;
  modifiedCount = 0;
  deletedCount = 0;
  upsertedCount = 0;
  upsertedIds: { [index: number]: any } = {};
  insertedIds: { [index: number]: any } = {};
  readonly writeErrors: WriteError[] = [];

  get ok(): number {
    return 1;
  }
  isOk(): boolean {
    return true;
  }
  hasWriteErrors(): boolean {
    return this.writeErrors.length > 0;
  }
  getWriteErrorCount(): number {
    return this.writeErrors.length;
  }
  getWriteErrorAt(index: number): WriteError | undefined {
    return this.writeErrors[index];
  }
  getWriteErrors(): WriteError[] {
    return [...this.writeErrors];
  }
  getUpsertedIdAt(index: number): Document | undefined {
    return index in this.upsertedIds ? { index, _id: this.upsertedIds[index] } : undefined;
  }
  getWriteConcernError(): undefined {
    return undefined;
  }
  getRawResponse(): Document {
    return {
      ok: 1,
      nInserted: this.insertedCount,
      nMatched: this.matchedCount,
      nModified: this.modifiedCount,
      nRemoved: this.deletedCount,
      nUpserted: this.upsertedCount,
      writeErrors: this.writeErrors.map((e) => e.toJSON()),
    };
  }
  toString(): string {
    return `BulkWriteResult(${JSON.stringify(this.getRawResponse())})`;
  }
}

const MODEL_GATES: Record<string, OptionGate> = Object.fromEntries(
  Object.entries(BULK_MODEL_FIELDS).map(([kind, fields]) => [kind, gateFor(`bulkWrite's ${kind}`, fields)]),
);

/**
 * Checks every operation before any runs, as the driver does before sending a batch, and
 * returns each one's evaluation (its collation, the call's `let`).
 */
function validate(
  operations: ReadonlyArray<BulkOperation>,
  variables: Document | undefined,
): Array<Evaluation | undefined> {
  return operations.map((operation) => {
    const [kind] = Object.keys(operation);
    const model = (operation as Record<string, Document>)[kind!];
    if (!model || typeof model !== 'object') throw invalidArgument(`Invalid BulkWriteError operation ${String(kind)}`);
    if (kind === 'insertOne') {
      if (!model.document || typeof model.document !== 'object') throw invalidArgument('insertOne requires a document');
      return undefined;
    }
    const gate = MODEL_GATES[kind!];
    if (!gate) throw invalidArgument(`Unsupported bulk operation type '${String(kind)}'`);
    gate(model);
    if (kind === 'updateOne' || kind === 'updateMany') checkUpdate(model.update);
    else if (kind === 'replaceOne') checkReplacement(model.replacement);
    if (model.collation === undefined && !variables) return undefined;
    const evaluation = withVariables(evaluationOf({ collation: model.collation }), variables);
    if (evaluation?.collation) {
      guardFilter(model.filter ?? {});
      if (model.update) guardUpdate(model.update, model.arrayFilters);
    }
    return evaluation;
  });
}

function apply(
  engine: Engine,
  collectionName: string,
  operation: BulkOperation,
  index: number,
  result: EmbeddedBulkWriteResult,
  evaluation: Evaluation | undefined,
): void {
  if ('insertOne' in operation) {
    const stored = insertOneInTxn(engine, collectionName, operation.insertOne.document);
    result.insertedCount++;
    result.insertedIds[index] = stored.document._id;
    return;
  }
  if ('deleteOne' in operation || 'deleteMany' in operation) {
    const many = 'deleteMany' in operation;
    const filter = many
      ? operation.deleteMany.filter
      : (operation as { deleteOne: { filter: Document } }).deleteOne.filter;
    result.deletedCount += deleteMatches(engine, collectionName, filter, many, undefined, evaluation).count;
    return;
  }
  let outcome;
  if ('updateOne' in operation) {
    const { filter, update } = operation.updateOne;
    const options = evaluation ? { ...operation.updateOne, evaluation } : operation.updateOne;
    outcome = writeOne(engine, collectionName, filter, { kind: 'update', update }, options);
  } else if ('updateMany' in operation) {
    const { filter, update } = operation.updateMany;
    const options = evaluation ? { ...operation.updateMany, evaluation } : operation.updateMany;
    outcome = writeMany(engine, collectionName, filter, update, options);
  } else {
    const { filter, replacement } = operation.replaceOne;
    const options = evaluation ? { ...operation.replaceOne, evaluation } : operation.replaceOne;
    outcome = writeOne(engine, collectionName, filter, { kind: 'replace', replacement }, options);
  }
  result.matchedCount += outcome.matched;
  result.modifiedCount += outcome.modified;
  if (outcome.upsertedId !== undefined) {
    result.upsertedCount++;
    result.upsertedIds[index] = outcome.upsertedId;
  }
}

/** A bulk write's outcome as plain data (counts, ids by operation index, failed operations). */
export interface BulkOutcome {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  upsertedIds: { [index: number]: unknown };
  insertedIds: { [index: number]: unknown };
  writeErrors: WriteErrorDetails[];
}

/**
 * Inside the write transaction: runs the operations, each document change atomic on its own.
 * Server errors (duplicate keys, bad updates) become write errors: ordered stops at the first,
 * unordered goes on.
 */
export function applyBulk(
  engine: Engine,
  collectionName: string,
  operations: ReadonlyArray<BulkOperation>,
  ordered: boolean,
  variables: Document | undefined,
): BulkOutcome {
  const evaluations = validate(operations, variables);
  const outcome = new EmbeddedBulkWriteResult();
  const writeErrors: WriteErrorDetails[] = [];
  for (let index = 0; index < operations.length; index++) {
    try {
      apply(engine, collectionName, operations[index]!, index, outcome, evaluations[index]);
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw error;
      writeErrors.push({
        index,
        code: Number(error.code),
        errmsg: error.message,
        ...(error.errInfo ? { errInfo: error.errInfo } : {}),
        op: operations[index] as Document,
      });
      if (ordered) break;
    }
  }
  const { insertedCount, matchedCount, modifiedCount, deletedCount, upsertedCount, upsertedIds, insertedIds } = outcome;
  return {
    insertedCount,
    matchedCount,
    modifiedCount,
    deletedCount,
    upsertedCount,
    upsertedIds,
    insertedIds,
    writeErrors,
  };
}

/**
 * Runs the operations in one LMDB commit (applyBulk); then a MongoBulkWriteError carries the
 * write errors and the partial result, as the driver throws it.
 */
export async function bulkWrite(
  engine: Engine,
  collectionName: string,
  operations: ReadonlyArray<BulkOperation>,
  ordered = true,
  variables?: Document,
): Promise<EmbeddedBulkWriteResult> {
  validate(operations, variables);
  for (const operation of operations) {
    // The driver assigns missing _ids on the caller's documents before sending.
    if ('insertOne' in operation) operation.insertOne.document = withId(operation.insertOne.document);
  }
  const outcome = await engine.write({
    kind: 'bulkWrite',
    collection: collectionName,
    operations: operations as BulkOperation[],
    ordered,
    ...(variables ? { variables } : {}),
  });
  const { writeErrors, ...counts } = outcome;
  const result = Object.assign(new EmbeddedBulkWriteResult(), counts);
  result.writeErrors.push(...writeErrors.map((details) => new WriteError(details)));
  if (result.writeErrors.length > 0) {
    const first = result.writeErrors[0]!;
    const details = { message: first.errmsg, code: first.code, writeErrors: result.writeErrors as never };
    // The driver's error class is what callers catch; its result type is a class only the driver can build.
    throw new MongoBulkWriteError(details, result as unknown as DriverBulkWriteResult);
  }
  return result;
}

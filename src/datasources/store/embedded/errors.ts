import { MongoAPIError, MongoInvalidArgumentError, MongoServerError } from 'mongodb';
import type { Document } from './bson';
import type { IndexSpec } from './catalog';
import { kindOf } from './operatorSupport';
import { valuesAtPath } from './paths';

/**
 * Errors raised by the embedded engine, built with the driver's own classes and the server's
 * codes and messages, so callers handle both engines the same way (`error.code === 11000`).
 */

export function serverError(code: number, codeName: string, message: string, extra: Document = {}): MongoServerError {
  return new MongoServerError({ message, errmsg: message, code, codeName, ok: 0, ...extra });
}

/** Formats a value the way the server prints it inside `dup key: { ... }`. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (typeof value === 'object' && '_bsontype' in value) {
    const type = (value as { _bsontype: string })._bsontype;
    if (type === 'ObjectId') return `ObjectId('${String(value)}')`;
    return `${type}(${String(value)})`;
  }
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Document).map(([k, v]) => `${k}: ${formatValue(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return String(value);
}

export function duplicateKeyError(
  namespace: string,
  spec: Pick<IndexSpec, 'name' | 'key'>,
  document: Document,
): MongoServerError {
  const keyPattern: Document = {};
  const keyValue: Document = {};
  for (const [field, direction] of spec.key) {
    keyPattern[field] = direction;
    const { values } = valuesAtPath(document, field);
    keyValue[field] = values.length === 1 ? (values[0] ?? null) : values;
  }
  const dupKey = Object.entries(keyValue)
    .map(([field, value]) => `${field}: ${formatValue(value)}`)
    .join(', ');
  const message = `E11000 duplicate key error collection: ${namespace} index: ${spec.name} dup key: { ${dupKey} }`;
  return serverError(11000, 'DuplicateKey', message, { keyPattern, keyValue });
}

export function cannotIndexParallelArrays(first: string, second: string): MongoServerError {
  return serverError(171, 'CannotIndexParallelArrays', `cannot index parallel arrays [${second}] [${first}]`);
}

/**
 * What the embedded engine does not implement (an option, a stage, an operator, a command):
 * refused with one code, a message naming it, and the name in `unsupported`, never ignored.
 */
export function notSupported(feature: string, why = ''): MongoServerError {
  const message = `the embedded store does not support ${feature}${why ? ` (${why})` : ''}`;
  return serverError(238, 'NotImplemented', message, { unsupported: feature });
}

export function badValue(message: string): MongoServerError {
  return serverError(2, 'BadValue', message);
}

export function failedToParse(message: string): MongoServerError {
  return serverError(9, 'FailedToParse', message);
}

export function immutableId(): MongoServerError {
  return serverError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

export function conflictingUpdate(path: string, other: string): MongoServerError {
  return serverError(
    40,
    'ConflictingUpdateOperators',
    `Updating the path '${path}' would create a conflict at '${other}'`,
  );
}

export function indexNotFound(name: string): MongoServerError {
  return serverError(27, 'IndexNotFound', `index not found with name [${name}]`);
}

export function indexOptionsConflict(name: string): MongoServerError {
  return serverError(
    85,
    'IndexOptionsConflict',
    `An existing index has the same name as the requested index but different options. Requested index name: ${name}`,
  );
}

export function invalidArgument(message: string): MongoInvalidArgumentError {
  return new MongoInvalidArgumentError(message);
}

export function changeStreamClosed(): MongoAPIError {
  return new MongoAPIError('ChangeStream is closed');
}

/** Maps a mingo error (unknown operator or stage) to the server's error, keeping the message. */
export function fromMingoError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof MongoServerError) return error;
  const message = error.message;
  if (/immutable field '_id'/.test(message)) return immutableId();
  const operator = /(\$[A-Za-z0-9_]+)/.exec(message)?.[1] ?? message;
  const known = kindOf(operator);
  if (known?.rule.support === 'refused' && /unregistered|unknown|not registered|requires/i.test(message)) {
    return notSupported(`the ${operator} ${known.kind}`, known.rule.note);
  }
  if (/is not registered/.test(message)) {
    return serverError(168, 'InvalidPipelineOperator', `Unrecognized expression '${operator}'`);
  }
  if (/pipeline operator/i.test(message)) {
    return serverError(40324, 'UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${operator}'`);
  }
  if (/unknown update operator/i.test(message)) {
    return failedToParse(
      `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  if (/non-numeric/i.test(message)) return serverError(14, 'TypeMismatch', message);
  if (/undefined variable/i.test(message)) return serverError(17276, 'Location17276', message);
  if (/unknown query operator/i.test(message)) return badValue(`unknown operator: ${operator}`);
  if (/unknown|unsupported|invalid|not supported/i.test(message)) return badValue(message);
  return error;
}

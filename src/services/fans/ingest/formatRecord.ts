import { FAN_RECORD_TYPES, type FanRecord, type FanRecordType } from '../records';
import { fanRecordSchema } from './recordSchemas';
import { recordRuleBreak } from './recordRules';

/** A record ready for its pipeline, or why it was refused (and which field, when one is to blame). */
export type FormattedRecord =
  { ok: true; record: FanRecord } | { ok: false; recordType: FanRecordType | null; reason: string; field?: string };

interface AvroField {
  name: string;
  type: AvroFieldType;
  default?: unknown;
}

type AvroFieldType = string | AvroFieldType[] | { type: string; logicalType?: string; items?: AvroFieldType };

/** Times a lake folder (YYYY/MM/DD) can name: 1970-01-01 up to the end of 9999, in milliseconds. */
const TIME_RANGE = [0, Date.UTC(10_000, 0, 1) - 1] as const;
const YEAR_1970 = '1970-01-01';
const YEAR_9999 = '9999-12-31';

const isTimestamp = (fieldType: AvroFieldType): boolean =>
  Array.isArray(fieldType)
    ? fieldType.some(isTimestamp)
    : typeof fieldType === 'object' && fieldType.logicalType === 'timestamp-millis';

function inTimeRange(field: AvroField, value: unknown): boolean {
  if (typeof value !== 'number' || !isTimestamp(field.type)) return true;
  return value >= TIME_RANGE[0] && value <= TIME_RANGE[1];
}

const isRecordType = (value: unknown): value is FanRecordType =>
  typeof value === 'string' && (FAN_RECORD_TYPES as readonly string[]).includes(value);

/**
 * Trims and formats one incoming record by its Avro schema, then checks it against the schema
 * and the contract's rules (docs/pipelines/fans/ingestion.md). Strings are trimmed (an empty
 * optional string is null), e-mail addresses lower-cased, timestamps read from milliseconds or
 * ISO 8601, missing optional fields take their default. Phone numbers are normalized by the
 * pipeline that knows the fan's market (its country).
 */
export function formatRecord(raw: unknown): FormattedRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, recordType: null, reason: 'a record is a JSON object with a type field' };
  }
  const input = raw as Record<string, unknown>;
  const recordType = typeof input.type === 'string' ? input.type.trim() : input.type;
  if (!isRecordType(recordType)) {
    const known = FAN_RECORD_TYPES.join(', ');
    return {
      ok: false,
      recordType: null,
      reason: `type: ${JSON.stringify(recordType ?? null)} is not one of ${known}`,
      field: 'type',
    };
  }
  const { schema, type } = fanRecordSchema(recordType);
  const record: Record<string, unknown> = { type: recordType };
  for (const field of schema.fields as AvroField[]) {
    const value = input[field.name];
    record[field.name] = value === undefined ? field.default : formatValue(field.name, field.type, value);
  }
  let invalid: { field: string; value: unknown; expected: string } | undefined;
  const valid = type.isValid(record, {
    errorHook: (path, value, fieldType) => {
      invalid ??= { field: path.join('.'), value, expected: fieldType.toString() };
    },
  });
  if (!valid && invalid) {
    const { field, value, expected } = invalid;
    const why = value === undefined ? 'required' : `expected ${expected}, got ${JSON.stringify(value)}`;
    return { ok: false, recordType, reason: `${field}: ${why}`, field };
  }
  const badTime = (schema.fields as AvroField[]).find((field) => !inTimeRange(field, record[field.name]));
  if (badTime) {
    const reason = `${badTime.name}: ${record[badTime.name]} is not a time between ${YEAR_1970} and ${YEAR_9999}`;
    return { ok: false, recordType, reason, field: badTime.name };
  }
  const broken = recordRuleBreak(record as unknown as FanRecord);
  if (broken) return { ok: false, recordType, ...broken };
  return { ok: true, record: record as unknown as FanRecord };
}

/** The value formatted for its Avro type; a value of the wrong kind is left for the schema check to name. */
function formatValue(name: string, fieldType: AvroFieldType, value: unknown): unknown {
  if (Array.isArray(fieldType)) {
    // ["null", X]: an empty string or null is null, anything else is formatted as X.
    if (value === null) return null;
    const formatted = formatValue(name, fieldType.find((branch) => branch !== 'null') ?? 'null', value);
    return formatted === '' ? null : formatted;
  }
  if (fieldType === 'string' && typeof value === 'string') {
    const trimmed = value.trim();
    return name === 'email' ? trimmed.toLowerCase() : trimmed;
  }
  if (typeof fieldType === 'object' && fieldType.logicalType === 'timestamp-millis' && typeof value === 'string') {
    const millis = Date.parse(value);
    return Number.isNaN(millis) ? value : millis;
  }
  if (typeof fieldType === 'object' && fieldType.type === 'array' && Array.isArray(value)) {
    return value.map((item) => formatValue(name, fieldType.items ?? 'null', item));
  }
  if (typeof fieldType === 'object' && fieldType.type === 'enum' && typeof value === 'string') return value.trim();
  return value;
}

import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import type { AnalyticsRow, AnalyticsValue, SqlParam } from '../port';

/**
 * An ExecutionParameters entry: Athena splices each one into the `?` as a SQL literal, so a
 * string must arrive quoted (and its quotes doubled) or it would be read as SQL.
 */
export function athenaParam(value: SqlParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('An Athena parameter must be a finite number');
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real', 'decimal']);

/** A result cell typed by its column's Athena type; Athena sends every value as text. */
export function athenaValue(text: string | undefined, column: ColumnInfo): AnalyticsValue {
  if (text === undefined) return null;
  const type = (column.Type ?? 'varchar').toLowerCase();
  if (INTEGER_TYPES.has(type)) {
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (FLOAT_TYPES.has(type)) {
    const number = Number(text);
    return Number.isNaN(number) ? text : number;
  }
  if (type === 'boolean') return text === 'true';
  return text;
}

/** One result row as an object keyed by column name. */
export function athenaRow(row: Row, columns: readonly ColumnInfo[]): AnalyticsRow {
  const cells = row.Data ?? [];
  const result: AnalyticsRow = {};
  columns.forEach((column, i) => {
    result[column.Name ?? `_col${i}`] = athenaValue(cells[i]?.VarCharValue, column);
  });
  return result;
}

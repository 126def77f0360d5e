import { badInput } from '../../../errors';
import { FAN_RECORD_TYPES, type FanRecordType } from '../records';

/**
 * The lake's object keys (the contract shared with the lake writer):
 * - live: `avro/{type}/YYYY/MM/DD/<name>.avro` (loose, <name> never starts with `merged-`) and
 *   `avro/{type}/{prefix}/merged-<mergeId>.avro` (a merge of the prefix);
 * - archived originals: `avro/archived/{type}/{their live sub-path}`;
 * - superseded merged files: `avro/archived/{type}/superseded/{their live sub-path}`;
 * - staging, outside the lake: `avro-staging/{type}/{prefix}/merged-<mergeId>.avro`.
 */
export const LAKE_ROOT = 'avro';
export const STAGING_ROOT = 'avro-staging';
export const MERGED_PREFIX = 'merged-';

export const liveBase = (type: FanRecordType) => `${LAKE_ROOT}/${type}`;
export const archivedBase = (type: FanRecordType) => `${LAKE_ROOT}/archived/${type}`;
export const supersededBase = (type: FanRecordType) => `${archivedBase(type)}/superseded`;

/** Where a list of `prefix` looks: `base/prefix/`, or all of `base/` when prefix is empty. */
export const under = (base: string, prefix: string | null) => (prefix ? `${base}/${prefix}/` : `${base}/`);

export const mergedKey = (type: FanRecordType, prefix: string, mergeId: string) =>
  `${liveBase(type)}/${prefix}/${MERGED_PREFIX}${mergeId}.avro`;

export const stagingKey = (type: FanRecordType, prefix: string, mergeId: string) =>
  `${STAGING_ROOT}/${type}/${prefix}/${MERGED_PREFIX}${mergeId}.avro`;

export const fileName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** A merge's output (or, in an imported tree, the old system's `merged` file). */
export const isMergedKey = (key: string) => fileName(key).startsWith('merged');

export const isAvroKey = (key: string) => key.endsWith('.avro');

/** The mergeId in `.../merged-<mergeId>.avro`, or null. */
export function mergeIdOf(key: string): string | null {
  const match = /^merged-(.+)\.avro$/.exec(fileName(key));
  return match ? match[1]! : null;
}

/** The key a live file is archived at: originals keep their sub-path, merged files go to superseded/. */
export function archivedKeyOf(type: FanRecordType, liveKey: string): string {
  const subPath = liveKey.slice(liveBase(type).length + 1);
  return isMergedKey(liveKey) ? `${supersededBase(type)}/${subPath}` : `${archivedBase(type)}/${subPath}`;
}

/** BAD_USER_INPUT unless `value` is a record type of the lake. */
export function lakeRecordType(value: string, field = 'recordType'): FanRecordType {
  const type = FAN_RECORD_TYPES.find((candidate) => candidate === value);
  if (!type) throw badInput(`${field}: one of ${FAN_RECORD_TYPES.join(', ')} (got ${JSON.stringify(value)})`, field);
  return type;
}

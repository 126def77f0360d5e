import type { CellValue } from '../uploads/readRows';
import type { LeadAttribute, LeadRejectionReason } from './model';

/** Columns the lead model knows; every other column is kept as an attribute. */
const KNOWN_COLUMNS = new Set(['email', 'timestamp', 'name', 'company', 'phone']);

export interface LeadRowFields {
  email: string;
  timestamp: Date | null;
  name: string | null;
  company: string | null;
  phone: string | null;
  attributes: LeadAttribute[];
}

export type LeadRowResult =
  { ok: true; lead: LeadRowFields } | { ok: false; email: string | null; reason: LeadRejectionReason; message: string };

// one @, no spaces, a dot in the domain: strict enough to catch typos, loose enough for real addresses
const EMAIL =
  /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** Day 0 of the Excel (1900) date system in Unix days: serial 25569 is 1970-01-01. */
const EXCEL_EPOCH_OFFSET_DAYS = 25569;
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);

/** Lower-cased and trimmed, the form emails are stored and compared in. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Validates one uploaded row and maps it to lead fields, or says why it is rejected. */
export function parseLeadRow(record: Record<string, CellValue>): LeadRowResult {
  const rawEmail = record.email;
  const email = rawEmail === null || rawEmail === undefined ? '' : normalizeEmail(String(rawEmail));
  if (!email || email.length > 254 || !EMAIL.test(email)) {
    return {
      ok: false,
      email: email || null,
      reason: 'INVALID_EMAIL',
      message: email ? `"${email}" is not an email address` : 'The email is empty',
    };
  }
  const timestamp = parseTimestamp(record.timestamp ?? null);
  if (timestamp === undefined) {
    return {
      ok: false,
      email,
      reason: 'INVALID_TIMESTAMP',
      message: `The timestamp "${String(record.timestamp)}" could not be read`,
    };
  }
  return {
    ok: true,
    lead: {
      email,
      timestamp,
      name: text(record.name),
      company: text(record.company),
      phone: text(record.phone),
      attributes: attributesOf(record),
    },
  };
}

/**
 * A lead timestamp: a spreadsheet date, an Excel serial number, epoch seconds or milliseconds,
 * ISO 8601 (UTC unless a zone is given) or M/D/YYYY [H:mm[:ss]] (UTC). Null when blank,
 * undefined when unreadable or outside 1970..2100.
 */
export function parseTimestamp(value: CellValue): Date | null | undefined {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null;
  let time: number;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'number') time = Math.round((value - EXCEL_EPOCH_OFFSET_DAYS) * 86_400_000);
  else if (typeof value === 'string') time = parseTimestampText(value.trim());
  else return undefined;
  if (!Number.isFinite(time) || time < MIN_TIME || time >= MAX_TIME) return undefined;
  return new Date(time);
}

function parseTimestampText(text: string): number {
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = iso;
    const local = utc(+y, +mo, +d, +h, +mi, +s) + Math.round(Number(fraction || '0') * 1000);
    return local - zoneOffsetMs(zone);
  }
  const us = US.exec(text);
  if (us) {
    const [, mo, d, y, h = '0', mi = '0', s = '0'] = us;
    return utc(+y, +mo, +d, +h, +mi, +s);
  }
  return Number.NaN;
}

/** Date.UTC that refuses overflowing parts (Feb 30 is not March 2). */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(time);
  const exact =
    back.getUTCMonth() === month - 1 && back.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exact ? time : Number.NaN;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

function text(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const result = value instanceof Date ? value.toISOString() : String(value).trim();
  return result === '' ? null : result;
}

function attributesOf(record: Record<string, CellValue>): LeadAttribute[] {
  const attributes: LeadAttribute[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (KNOWN_COLUMNS.has(name)) continue;
    const asText = text(value);
    if (asText !== null) attributes.push({ name, value: asText });
  }
  return attributes;
}

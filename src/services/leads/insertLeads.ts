import type { Db } from '../../datasources/store';
import { newId } from './ids';
import type { LeadRowFields } from './leadRow';
import { LEADS, type LeadDoc, type RejectedLeadRow } from './model';

/** Emails looked up per query for open leads. */
const BATCH_SIZE = 1000;
const DUPLICATE_KEY = 11000;

export interface AcceptedRow {
  rowNumber: number;
  fields: LeadRowFields;
}

export interface InsertLeadsInput {
  importId: string;
  rows: AcceptedRow[];
  uploadedAt: Date;
  actor: string;
}

/**
 * Stores valid rows as QUEUED leads, oldest first, skipping emails that already have an open
 * lead, and returns the skipped rows. Existing emails are looked up per batch; the fresh leads
 * are then inserted in one write, so on the embedded store (one transaction per write) a process
 * that dies queues all of the list or none of it. The unique partial index on open emails
 * settles races with a concurrent upload (error 11000 for the leads it refuses).
 */
export async function insertNewLeads(db: Db, input: InsertLeadsInput): Promise<RejectedLeadRow[]> {
  const leads = input.rows
    .map((row) => toLead(row, input))
    .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || a.rowNumber - b.rowNumber);
  // ids are made after sorting so that _id, the queue's tie-break, follows queue order
  for (const lead of leads) lead._id = newId();
  const openEmails = new Set<string>();
  for (let start = 0; start < leads.length; start += BATCH_SIZE) {
    const batch = leads.slice(start, start + BATCH_SIZE);
    const open = await db
      .collection<LeadDoc>(LEADS)
      .find({ email: { $in: batch.map((lead) => lead.email) }, open: true }, { projection: { email: 1 } })
      .toArray();
    for (const lead of open) openEmails.add(lead.email);
  }
  const fresh = leads.filter((lead) => !openEmails.has(lead.email));
  const raced = await insertAll(db, fresh);
  return leads.filter((lead) => openEmails.has(lead.email) || raced.has(lead._id)).map(duplicateRow);
}

/** Inserts the leads in one write; returns the ids refused as duplicates by the unique index. */
async function insertAll(db: Db, leads: LeadDoc[]): Promise<Set<string>> {
  if (leads.length === 0) return new Set();
  try {
    await db.collection<LeadDoc>(LEADS).insertMany(leads, { ordered: false });
    return new Set();
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { index: number }[] }).writeErrors;
    if (!isDuplicateKey(error) || !Array.isArray(writeErrors)) throw error;
    return new Set(writeErrors.map((writeError) => leads[writeError.index]!._id));
  }
}

function isDuplicateKey(error: unknown): boolean {
  const { code, writeErrors } = error as { code?: number; writeErrors?: { code?: number }[] };
  return code === DUPLICATE_KEY || (Array.isArray(writeErrors) && writeErrors.every((e) => e.code === DUPLICATE_KEY));
}

function toLead(row: AcceptedRow, input: InsertLeadsInput): LeadDoc {
  const queuedAt = row.fields.timestamp ?? input.uploadedAt;
  return {
    _id: '',
    email: row.fields.email,
    name: row.fields.name,
    company: row.fields.company,
    phone: row.fields.phone,
    attributes: row.fields.attributes,
    status: 'QUEUED',
    open: true,
    queuedAt,
    createdAt: input.uploadedAt,
    importId: input.importId,
    rowNumber: row.rowNumber,
    assignedTo: null,
    assignedAt: null,
    expiresAt: null,
    resolvedAt: null,
    outcome: null,
    note: null,
    declinedBy: [],
    history: [{ at: input.uploadedAt, change: 'QUEUED', actor: input.actor }],
  };
}

function duplicateRow(lead: LeadDoc): RejectedLeadRow {
  return {
    rowNumber: lead.rowNumber,
    email: lead.email,
    reason: 'DUPLICATE_OF_EXISTING',
    message: 'An open lead with this email already exists',
  };
}

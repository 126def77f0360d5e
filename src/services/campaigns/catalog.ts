import { smsBodyProblem } from '../../datasources/sms';
import type { Db, Document } from '../../datasources/store';
import { z } from 'zod';
import { conflict, fromZodError, notFound } from '../../errors';
import { normalizeEmail, isValidEmail } from './email';
import { isTimeZone } from './memberContact';
import { templateLinkProblems } from './templateLinks';
import { C, newId, type AudienceDoc, type MemberDoc, type SenderDoc, type TemplateDoc } from './model';

/**
 * Create, update and archive for the simple documents of the domain: senders, templates,
 * audiences, members. Archiving hides a document from lists without breaking the campaigns
 * that point at it.
 */

const name = z.string().trim().min(1).max(200);
const optionalText = z.string().trim().max(500).nullish();
const email = z.string().transform(normalizeEmail).refine(isValidEmail, 'not a valid e-mail address');

export const senderInput = z.object({ name, email, department: optionalText, contact: optionalText });
/** A template body whose links must each stay one valid URL once its placeholders are filled. */
const templateBody = (part: 'html' | 'text') =>
  z
    .string()
    .max(1_000_000)
    .nullish()
    .superRefine((body, context) => {
      for (const message of templateLinkProblems(part, body)) context.addIssue({ code: 'custom', message });
    });
/** The text of MOBILE campaigns: what a text may hold (1,600 characters), before its placeholders are filled. */
const smsBody = z
  .string()
  .nullish()
  .superRefine((body, context) => {
    const problem = body === null || body === undefined ? null : smsBodyProblem(body);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
const templateFields = z.object({
  name,
  type: z.string().trim().min(1).max(100),
  subject: z.string().max(998),
  html: templateBody('html'),
  text: templateBody('text'),
  sms: smsBody,
});
export const templateInput = templateFields.refine((t) => Boolean(t.html || t.text || t.sms), {
  message: 'a template needs an HTML, a text or an SMS body',
  path: ['html'],
});
export const audienceInput = z.object({
  name,
  segments: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  locationType: optionalText,
});
/** Member fields as stored: the phone already read to E.164 and the consent to a time (memberContact.ts). */
export const memberInput = z.object({
  email,
  name: optionalText,
  contact: optionalText,
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164')
    .nullish(),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (America/Chicago)').nullish(),
  smsConsentAt: z.date().nullish(),
  attributes: z.record(z.string(), z.string().max(1000)).default({}),
});

export interface Entity<Doc> {
  collection: string;
  label: string;
  schema: z.ZodType<Partial<Doc>, unknown>;
  partialSchema: z.ZodType<Partial<Doc>, unknown>;
  /** Lists are in this field's order, `name` unless said (an index leads with it). */
  sortField?: string;
}

export const entities = {
  sender: {
    collection: C.senders,
    label: 'Sender',
    schema: senderInput,
    partialSchema: senderInput.partial(),
  } as Entity<SenderDoc>,
  template: {
    collection: C.templates,
    label: 'Template',
    schema: templateInput,
    partialSchema: templateFields.partial(),
  } as Entity<TemplateDoc>,
  audience: {
    collection: C.audiences,
    label: 'Audience',
    schema: audienceInput,
    partialSchema: audienceInput.partial(),
  } as Entity<AudienceDoc>,
  member: {
    collection: C.members,
    label: 'Member',
    schema: memberInput,
    partialSchema: memberInput.partial(),
    sortField: 'email',
  } as Entity<MemberDoc>,
};

function parse<T>(schema: z.ZodType<T, unknown>, input: unknown, field: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, field);
  return parsed.data;
}

export async function createEntity<Doc extends Document>(
  db: Db,
  entity: Entity<Doc>,
  input: unknown,
  now = new Date(),
): Promise<Doc> {
  const fields = parse(entity.schema, input, 'input');
  const doc = { ...fields, _id: newId(), createdAt: now, updatedAt: now, archivedAt: null } as unknown as Doc;
  try {
    await db.collection(entity.collection).insertOne(doc);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw conflict(`${entity.label} already exists (same e-mail)`);
    throw error;
  }
  return doc;
}

export async function updateEntity<Doc extends Document>(
  db: Db,
  entity: Entity<Doc>,
  id: string,
  input: unknown,
  now = new Date(),
): Promise<Doc> {
  const fields = parse(entity.partialSchema, input, 'input');
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  try {
    const updated = await db
      .collection(entity.collection)
      .findOneAndUpdate({ _id: id as never }, { $set: { ...set, updatedAt: now } }, { returnDocument: 'after' });
    if (!updated) throw notFound(entity.label, id);
    return updated as unknown as Doc;
  } catch (error) {
    if ((error as { code?: number }).code === 11000)
      throw conflict(`Another ${entity.label.toLowerCase()} has that e-mail`);
    throw error;
  }
}

/** Archives (or restores, with archived=false) a document; archiving twice keeps the first time. */
export async function archiveEntity<Doc extends Document>(
  db: Db,
  entity: Entity<Doc>,
  id: string,
  archived = true,
  now = new Date(),
): Promise<Doc> {
  const filter = archived ? { _id: id as never, archivedAt: null } : { _id: id as never };
  await db
    .collection(entity.collection)
    .updateOne(filter, { $set: { archivedAt: archived ? now : null, updatedAt: now } });
  return getEntity(db, entity, id);
}

export async function getEntity<Doc extends Document>(db: Db, entity: Entity<Doc>, id: string): Promise<Doc> {
  const doc = await db.collection(entity.collection).findOne({ _id: id as never });
  if (!doc) throw notFound(entity.label, id);
  return doc as unknown as Doc;
}

/** Loads a document that must exist and not be archived (for references from a campaign). */
export async function requireActive<Doc extends Document>(
  db: Db,
  entity: Entity<Doc>,
  id: string,
  field: string,
): Promise<Doc> {
  const doc = await getEntity(db, entity, id);
  if (doc.archivedAt) throw conflict(`${field}: ${entity.label} ${id} is archived`);
  return doc;
}

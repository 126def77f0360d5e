import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db, Document, Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import { paginate, rememberedPage, type Page, type PageArgs } from '../pagination';
import { archiveEntity, createEntity, entities, getEntity, updateEntity, type Entity } from './catalog';
import { normalizeEmail } from './email';
import { readPhone } from './memberContact';
import type { MemberDoc } from './model';

/** The arguments of every catalog list: a page, with archived documents only when asked. */
export interface CatalogListArgs extends PageArgs {
  includeArchived?: boolean | null;
}

/**
 * Lists, reads, creates, changes and archives one kind of the domain's documents (senders,
 * templates, audiences, members, campaigns): all the catalog resolvers ask of a kind.
 * `Narrowing` holds the kind's own list arguments.
 */
export interface CatalogService<Doc, Narrowing extends object = object> {
  list<N>(args: CatalogListArgs & Narrowing, toNode: (doc: Doc) => N): Promise<Page<N>>;
  get(id: string): Promise<Doc>;
  create(input: object): Promise<Doc>;
  update(id: string, input: object): Promise<Doc>;
  archive(id: string, archived: boolean): Promise<Doc>;
}

/** How a kind is listed: its collection, its order and the filter its own arguments make. */
export interface Listing<Doc, Narrowing> {
  collection: string;
  sortField: string;
  direction?: 1 | -1;
  narrow?: (args: Narrowing) => Filter<Doc>;
}

/** Archived documents are left out of lists unless asked for. */
export function archivedFilter(includeArchived?: boolean | null): Document {
  return includeArchived ? {} : { archivedAt: null };
}

/** A kind's list; with `figures`, each page is read once per change to the kind's collection. */
export function catalogList<Doc extends Document, Narrowing extends object>(
  db: Db,
  listing: Listing<Doc, Narrowing>,
  figures?: RememberedFigures,
): CatalogService<Doc, Narrowing>['list'] {
  return ({ first, after, includeArchived, ...narrowing }, toNode) => {
    const filter = { ...archivedFilter(includeArchived), ...listing.narrow?.(narrowing as Narrowing) } as Filter<Doc>;
    const order = { sortField: listing.sortField, direction: listing.direction, toNode };
    const collection = db.collection<Doc>(listing.collection);
    if (figures) return rememberedPage(figures, collection, filter, { first, after }, order);
    return paginate(collection, filter, { first, after }, order);
  };
}

/** The catalog of a kind declared in `entities`. */
export function entityCatalog<Doc extends Document, Narrowing extends object = object>(
  db: Db,
  entity: Entity<Doc>,
  narrow?: (args: Narrowing) => Filter<Doc>,
): CatalogService<Doc, Narrowing> {
  return {
    list: catalogList(db, { collection: entity.collection, sortField: entity.sortField ?? 'name', narrow }),
    get: (id) => getEntity(db, entity, id),
    create: (input) => createEntity(db, entity, input),
    update: (id, input) => updateEntity(db, entity, id, input),
    archive: (id, archived) => archiveEntity(db, entity, id, archived),
  };
}

export interface MemberNarrowing {
  /** Only the member with this e-mail (any case, spaces ignored). */
  email?: string | null;
}

/**
 * Members: the phone given is read to E.164 (in `phoneCountry` without a + prefix), and
 * `smsConsent: true` records the consent as given now (false removes it).
 */
export function memberCatalog(db: Db, phoneCountry: string): CatalogService<MemberDoc, MemberNarrowing> {
  const catalog = entityCatalog<MemberDoc, MemberNarrowing>(db, entities.member, ({ email }) =>
    email ? { email: normalizeEmail(email) } : {},
  );
  const stored = (input: object) => memberFields(input as MemberContactInput, phoneCountry);
  return {
    ...catalog,
    create: (input) => catalog.create(stored(input)),
    update: (id, input) => catalog.update(id, stored(input)),
  };
}

interface MemberContactInput {
  phone?: string | null;
  smsConsent?: boolean | null;
}

function memberFields({ phone, smsConsent, ...fields }: MemberContactInput, phoneCountry: string): object {
  const stored: Record<string, unknown> = { ...fields };
  if (phone !== undefined) {
    const read = readPhone(phone, phoneCountry);
    if ('problem' in read) throw badInput(`phone: ${read.problem}`, 'phone');
    stored.phone = read.value;
  }
  if (smsConsent !== undefined && smsConsent !== null) stored.smsConsentAt = smsConsent ? new Date() : null;
  return stored;
}

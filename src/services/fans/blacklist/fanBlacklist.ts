import type { AnyBulkWriteOperation, Db, Filter } from '../../../datasources/store';
import { badInput } from '../../../errors';
import type { Logger } from '../../../logger';
import { paginate, type Page, type PageArgs } from '../../pagination';
import { BLACKLIST, type BlacklistDoc, type BlacklistKind } from '../model';
import { BlacklistMatcher } from './blacklistMatcher';
import { blacklistValue } from './normalize';

export interface BlacklistEntryInput {
  kind: BlacklistKind;
  value: string;
}

/** Most entries one call adds or removes: a bigger list goes in several calls. */
export const MAX_BLACKLIST_CHANGE = 10_000;
/** Bad entries named in one error message. */
const NAMED_ERRORS = 10;

/**
 * The blacklist of e-mail addresses and domains that scored files are scrubbed against: kept
 * normalized (see normalize.ts), each entry with who added it and when.
 */
export class FanBlacklist {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  private get collection() {
    return this.db.collection<BlacklistDoc>(BLACKLIST);
  }

  /** Newest first, of one kind when asked. */
  list<N>(kind: BlacklistKind | null | undefined, args: PageArgs, toNode: (doc: BlacklistDoc) => N): Promise<Page<N>> {
    const filter: Filter<BlacklistDoc> = kind ? { kind } : {};
    return paginate(this.collection, filter, args, { sortField: 'addedAt', direction: -1, toNode });
  }

  /**
   * Adds the entries not listed yet; one already listed keeps who added it first and when.
   * Every entry is checked before anything is written: one bad value refuses the call.
   */
  async add(
    entries: BlacklistEntryInput[],
    addedBy: string,
    now = new Date(),
  ): Promise<{ added: number; alreadyListed: number }> {
    const docs = normalizedEntries(entries).map(({ kind, value }) => ({ _id: `${kind}:${value}`, kind, value }));
    if (docs.length === 0) return { added: 0, alreadyListed: 0 };
    const operations: AnyBulkWriteOperation<BlacklistDoc>[] = docs.map((doc) => ({
      updateOne: {
        filter: { _id: doc._id },
        update: { $setOnInsert: { kind: doc.kind, value: doc.value, addedBy, addedAt: now } },
        upsert: true,
      },
    }));
    const result = await this.collection.bulkWrite(operations, { ordered: false });
    this.logger.info({ addedBy, added: result.upsertedCount, entries: docs.length }, 'blacklist entries added');
    return { added: result.upsertedCount, alreadyListed: docs.length - result.upsertedCount };
  }

  /** Removes the entries; answers how many were listed. The same checks as add. */
  async remove(entries: BlacklistEntryInput[], removedBy: string): Promise<number> {
    const ids = normalizedEntries(entries).map(({ kind, value }) => `${kind}:${value}`);
    if (ids.length === 0) return 0;
    const { deletedCount } = await this.collection.deleteMany({ _id: { $in: ids } });
    // who removed what stays in the log: the entry itself is gone
    this.logger.info({ removedBy, removed: deletedCount, ids: ids.slice(0, 100) }, 'blacklist entries removed');
    return deletedCount;
  }

  /** The whole blacklist in memory, for one pass over a file. */
  matcher(): Promise<BlacklistMatcher> {
    return BlacklistMatcher.load(this.db);
  }
}

/** The entries normalized and without repeats, or BAD_USER_INPUT naming each bad one (entries[i].value). */
function normalizedEntries(entries: BlacklistEntryInput[]): BlacklistEntryInput[] {
  if (entries.length > MAX_BLACKLIST_CHANGE) {
    throw badInput(`entries: at most ${MAX_BLACKLIST_CHANGE} per call`, 'entries');
  }
  const errors: string[] = [];
  const seen = new Map<string, BlacklistEntryInput>();
  entries.forEach((entry, index) => {
    const checked = blacklistValue(entry.kind, entry.value);
    if ('error' in checked) errors.push(`entries[${index}].value: ${checked.error}`);
    else seen.set(`${entry.kind}:${checked.value}`, { kind: entry.kind, value: checked.value });
  });
  if (errors.length > 0) {
    const more = errors.length > NAMED_ERRORS ? ` (and ${errors.length - NAMED_ERRORS} more)` : '';
    const firstField = errors[0]!.slice(0, errors[0]!.indexOf(':'));
    throw badInput(`${errors.slice(0, NAMED_ERRORS).join('; ')}${more}`, firstField);
  }
  return [...seen.values()];
}

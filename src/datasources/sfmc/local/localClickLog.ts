import { setImmediate } from 'node:timers/promises';
import { RememberedFigures, type ChangePositions } from '../../rememberedFigures';
import { ObjectId, type Db } from '../../store';
import type { BusinessUnit } from '../businessUnits';
import { eventDateOf, type ClickLogRow } from '../clickLogRow';
import type { ClickLogPage, ReadClickLogRequest, SfmcPort } from '../port';

export const CLICK_LOG = 'sfmc_click_log';
export const LOCAL_UNITS = 'sfmc_business_units';
/** Rows marked processed per write: each write is one short commit (docs/store.md). */
export const MARK_CHUNK_ROWS = 250;
/** Rows appended per write, for the same reason. */
const APPEND_CHUNK_ROWS = 250;
/**
 * Rows a page reads per query: the embedded store answers a query without leaving the event
 * turn, so a page of thousands is read a few milliseconds at a time, requests answered between.
 */
export const READ_CHUNK_ROWS = 250;

/** A row of the local data extension. */
export interface ClickLogDocument {
  _id: ObjectId;
  bu: string;
  values: ClickLogRow;
  processed: boolean;
  /**
   * Read order as one sortable string: EventDate in UTC, then the row id, so paging is a single
   * range on the (bu, processed, pos) index. Rows whose date does not parse sort after every
   * date ("~"), so they are still read, rejected and acknowledged.
   */
  pos: string;
  importedAt: Date;
}

interface LocalUnitDocument {
  _id: string;
  name: string;
  clickLogKey: string;
  createdAt: Date;
}

/**
 * The embedded Marketing Cloud: each business unit's click log as documents in the store,
 * filled by the demo and by `import-clicks`. Business units not in SFMC_BUSINESS_UNITS are
 * registered locally the first time rows are imported for them.
 */
export function createLocalSfmc(db: Db, configured: BusinessUnit[], changes?: ChangePositions): SfmcPort {
  const log = db.collection<ClickLogDocument>(CLICK_LOG);
  const units = db.collection<LocalUnitDocument>(LOCAL_UNITS);
  const remembered = new RememberedFigures(changes);

  const readBusinessUnits = async (): Promise<BusinessUnit[]> => {
    const names = new Set(configured.map((u) => u.name.toLowerCase()));
    const local = await units.find({}, { sort: { _id: 1 } }).toArray();
    const registered = local
      .filter((u) => !names.has(u._id))
      .map((u): BusinessUnit => ({ name: u.name, clickLogKey: u.clickLogKey, source: 'local' }));
    return [...configured, ...registered];
  };
  const businessUnits = async (): Promise<BusinessUnit[]> => [
    ...(await remembered.get('units', [LOCAL_UNITS], readBusinessUnits)),
  ];

  const readPage = async (bu: string, after: string, pageSize: number): Promise<ClickLogPage> => {
    const rows: Pick<ClickLogDocument, '_id' | 'values' | 'pos'>[] = [];
    let from = after;
    while (rows.length < pageSize) {
      if (rows.length > 0) await setImmediate();
      const limit = Math.min(READ_CHUNK_ROWS, pageSize - rows.length);
      const chunk = await log
        .find(
          { bu, processed: false, pos: { $gt: from } },
          { sort: { pos: 1 }, limit, projection: { values: 1, pos: 1 } },
        )
        .toArray();
      rows.push(...chunk);
      if (chunk.length < limit) break;
      from = chunk.at(-1)!.pos;
    }
    const last = rows.at(-1);
    return {
      rows: rows.map((row) => ({ key: row._id.toHexString(), values: row.values })),
      next: rows.length === pageSize && last ? last.pos : null,
    };
  };

  return {
    engine: 'local',
    businessUnits,
    async businessUnit(name) {
      const folded = name.trim().toLowerCase();
      return (await businessUnits()).find((u) => u.name.toLowerCase() === folded) ?? null;
    },

    async readClickLog(unit: BusinessUnit, request: ReadClickLogRequest): Promise<ClickLogPage> {
      const after = request.cursor ?? (request.from ? request.from.toISOString() : '');
      // The oldest unprocessed row alone (the sync status's age): remembered until the log changes.
      if (after === '' && request.pageSize === 1) {
        const head = await remembered.get(`head:${unit.name}`, [CLICK_LOG], () => readPage(unit.name, after, 1));
        return { ...head, rows: [...head.rows] };
      }
      return readPage(unit.name, after, request.pageSize);
    },

    async markProcessed(unit, keys) {
      const ids = keys.filter((key) => ObjectId.isValid(key)).map((key) => new ObjectId(key));
      if (ids.length === 0) return 0;
      // The unit too, so keys handed out for one business unit never mark another's rows.
      // Marking is idempotent: keys of a call that dies half-way are simply marked again.
      for (let start = 0; start < ids.length; start += MARK_CHUNK_ROWS) {
        const chunk = ids.slice(start, start + MARK_CHUNK_ROWS);
        await log.updateMany({ _id: { $in: chunk }, bu: unit.name }, { $set: { processed: true } });
      }
      return ids.length;
    },

    async backlog(unit) {
      return remembered.get(`backlog:${unit.name}`, [CLICK_LOG], () =>
        log.countDocuments({ bu: unit.name, processed: false }),
      );
    },

    async appendRows(unitName, rows) {
      const name = unitName.trim();
      if (!configured.some((u) => u.name.toLowerCase() === name.toLowerCase())) {
        await units.updateOne(
          { _id: name.toLowerCase() },
          { $setOnInsert: { name, clickLogKey: 'ClickLog', createdAt: new Date() } },
          { upsert: true },
        );
      }
      const unit = configured.find((u) => u.name.toLowerCase() === name.toLowerCase());
      const bu = unit?.name ?? (await units.findOne({ _id: name.toLowerCase() }))?.name ?? name;
      if (rows.length === 0) return 0;
      const importedAt = new Date();
      const documents = rows.map((values): ClickLogDocument => {
        const _id = new ObjectId();
        const date = eventDateOf(values);
        return {
          _id,
          bu,
          values,
          processed: false,
          pos: `${date ? date.toISOString() : '~'}#${_id.toHexString()}`,
          importedAt,
        };
      });
      // A call that dies half-way leaves its first chunks appended: rows delivered twice count once.
      for (let start = 0; start < documents.length; start += APPEND_CHUNK_ROWS) {
        await log.insertMany(documents.slice(start, start + APPEND_CHUNK_ROWS), { ordered: false });
      }
      return documents.length;
    },
  };
}

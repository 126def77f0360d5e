import type { Db } from '../../../datasources/store';
import { checkPoolName, CODE_RULE, formatCode, poolIdOf } from '../codes/codeFormat';
import { CodeCountChanges, type CodePoolCounts } from '../codes/poolCounts';
import { CODE_POOLS, CODES, entryId, type CodeDoc, type CodePoolDoc } from '../model';
import type { CampaignCache } from './campaignCache';
import type { ImportRow, UnreadableRow } from './importRows';
import { rowRefusal, type BatchOutcome } from './importResult';
import { insertMissing } from './insertMissing';
import { choice, optionalDate, optionalText, RowError, text } from './rowValues';

/** Who the import names as the creator of the pools it makes. */
const IMPORTER = 'import';
const DEFAULT_POOL = 'imported';

/**
 * A code of the old system: code, campaignId, kind (NON_TM, OFFER; default NON_TM), pool (the
 * pool's name, default "imported": one pool per name per campaign), state (AVAILABLE, RESERVED,
 * ASSIGNED; default AVAILABLE), userId (required when ASSIGNED), waveId, reservedAt, assignedAt,
 * createdAt.
 */
export function codeOf(row: ImportRow, campaigns: CampaignCache, now: Date): { code: CodeDoc; pool: CodePoolDoc } {
  const code = formatCode(row.get('code'));
  if (!code) throw new RowError('code', CODE_RULE);
  const campaignId = text(row, 'campaignId');
  if (!campaigns.get(campaignId)) throw new RowError('campaignId', `no fan campaign ${campaignId}`);
  const kind = choice(row, 'kind', ['NON_TM', 'OFFER'], 'NON_TM');
  const poolName = checkPoolName(optionalText(row, 'pool') ?? DEFAULT_POOL);
  if ('error' in poolName) throw new RowError('pool', poolName.error.replace(/^poolName: /, ''));
  const state = choice(row, 'state', ['AVAILABLE', 'RESERVED', 'ASSIGNED'], 'AVAILABLE');
  const userId = optionalText(row, 'userId', 200);
  if (state === 'ASSIGNED' && !userId) throw new RowError('userId', 'required for an ASSIGNED code');
  const createdAt = optionalDate(row, 'createdAt') ?? now;
  const poolId = poolIdOf(campaignId, poolName.name);
  const assigned = state === 'ASSIGNED';
  return {
    code: {
      _id: code,
      campaignId,
      poolId,
      kind,
      state,
      waveId: optionalText(row, 'waveId', 200),
      entryId: assigned ? entryId(campaignId, userId!) : null,
      userId: assigned ? userId : null,
      reservedAt: state === 'AVAILABLE' ? null : optionalDate(row, 'reservedAt'),
      assignedAt: assigned ? (optionalDate(row, 'assignedAt') ?? createdAt) : null,
      createdAt,
    },
    pool: { _id: poolId, campaignId, kind, name: poolName.name, createdAt: now, createdBy: IMPORTER },
  };
}

/**
 * Loads a batch of code rows. A code is unique across campaigns: one the store holds for another
 * campaign is refused, never moved; its pool is made when missing.
 */
export async function loadCodes(
  db: Db,
  campaigns: CampaignCache,
  rows: ImportRow[],
  now: Date,
  counts: CodePoolCounts,
): Promise<BatchOutcome> {
  await campaigns.load(rows);
  const valid: { row: ImportRow; code: CodeDoc; pool: CodePoolDoc }[] = [];
  const rejects: UnreadableRow[] = [];
  for (const row of rows) {
    try {
      valid.push({ row, ...codeOf(row, campaigns, now) });
    } catch (error) {
      rejects.push(rowRefusal(row, error));
    }
  }
  return counts.exclusive(
    valid.map(({ code }) => code._id),
    () => insertCounted(db, counts, valid, rejects),
  );
}

/**
 * Writes the codes of the batch not stored yet (a code twice in the batch: its first row), with
 * their pools' counts in the same commit; one another process inserted meanwhile has its count
 * given back.
 */
async function insertCounted(
  db: Db,
  counts: CodePoolCounts,
  valid: { row: ImportRow; code: CodeDoc; pool: CodePoolDoc }[],
  rejects: UnreadableRow[],
): Promise<BatchOutcome> {
  const codes = db.collection<CodeDoc>(CODES);
  const stored = await codes
    .find({ _id: { $in: valid.map(({ code }) => code._id) } }, { projection: { campaignId: 1 } })
    .toArray();
  const campaignOf = new Map(stored.map((code) => [code._id, code.campaignId]));
  const accepted = valid.filter(({ row, code }) => {
    const owner = campaignOf.get(code._id) ?? code.campaignId;
    campaignOf.set(code._id, owner);
    if (owner !== code.campaignId)
      rejects.push({ line: row.line, reason: `code: ${code._id} belongs to campaign ${owner}` });
    return owner === code.campaignId;
  });
  const pools = new Map(accepted.map(({ pool }) => [pool._id, pool]));
  await insertMissing(db.collection<CodePoolDoc>(CODE_POOLS), [...pools.values()]);
  const storedIds = new Set(stored.map((code) => code._id));
  const fresh = new Set<number>();
  const changes = new CodeCountChanges();
  accepted.forEach(({ code }, index) => {
    if (storedIds.has(code._id)) return;
    storedIds.add(code._id);
    fresh.add(index);
    changes.add(code, 1);
  });
  const [written] = await Promise.all([
    insertMissing(
      codes,
      accepted.map(({ code }) => code),
    ),
    ...counts.write(changes),
  ]);
  const inserted = new Set(written.insertedIndexes);
  const givenBack = new CodeCountChanges();
  for (const index of fresh) if (!inserted.has(index)) givenBack.add(accepted[index]!.code, -1);
  await Promise.all(counts.write(givenBack));
  return { loaded: written.inserted, existing: written.existing, rejects };
}

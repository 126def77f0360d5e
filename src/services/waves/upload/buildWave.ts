import type { ObjectStore } from '../../../datasources/objects/port';
import type { Collection, Db } from '../../../datasources/store';
import type { CampaignDirectory } from '../../fans/campaignDirectory';
import { readRowBatches, type UploadRow } from '../../uploads/readRows';
import type { UploadLimits } from '../../uploads/uploadLimits';
import {
  unsentCounts,
  WAVE_MESSAGES,
  WAVES,
  type WaveConfig,
  type WaveDoc,
  type WaveMessageDoc,
  type WaveReject,
} from '../model';
import { expectedDurationSeconds } from '../lifecycle/waveRules';
import { checkRecipient, isMessage, SeenRecipients } from './recipientChecks';
import { lookUpRecipients } from './recipientLookups';
import { isReject, readRecipient } from './recipientRow';

/** What a wave is built from: its stored file and settings (the wave-upload job's params). */
export interface WaveSource {
  waveId: string;
  name: string;
  config: WaveConfig;
  /** The file on the objects port, and the name it is read as (.csv or .xlsx). */
  sourceKey: string;
  filename: string;
  prepId: string | null;
  createdBy: string;
}

export interface BuildWaveDeps {
  db: Db;
  objects: ObjectStore;
  directory: CampaignDirectory;
  limits: UploadLimits;
}

export interface BuiltWave {
  kept: number;
  rejected: number;
  totalSegments: number;
}

/** Rows checked and written together: one read of entries and opt-outs, one insert. */
const CHUNK = 500;
/** Rejects kept on the wave for the API; rejectCount has them all. */
export const KEPT_REJECTS = 1000;
const DUPLICATE_KEY = 11000;

/**
 * Builds the wave from its stored file: each row read, checked and either kept as a PENDING
 * message (`${waveId}:${line}`) or rejected with its line and reason; then the DRAFT wave with its
 * counts, total segments, expected duration and rejects. Written in that order, so the wave
 * appears once complete; a rerun (a retried job) checks the same rows the same way and skips the
 * messages already written, and a wave already there is answered as it is.
 */
export async function buildWave(
  deps: BuildWaveDeps,
  source: WaveSource,
  onProgress: (rows: number) => Promise<void>,
): Promise<WaveDoc> {
  const waves = deps.db.collection<WaveDoc>(WAVES);
  const existing = await waves.findOne({ _id: source.waveId });
  if (existing) return existing;
  const { config } = source;
  const campaign = await deps.directory.require(config.campaignId);
  const stored = await deps.objects.get(source.sourceKey);
  if (!stored) throw new Error(`the wave file ${source.sourceKey} is gone`);
  const messages = deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  const seen = new SeenRecipients();
  const now = new Date();
  const rejects: WaveReject[] = [];
  let rejectCount = 0;
  let kept = 0;
  let totalSegments = 0;
  let rows = 0;
  const reject = (found: WaveReject) => {
    rejectCount += 1;
    if (rejects.length < KEPT_REJECTS) rejects.push(found);
  };
  let pending: UploadRow[] = [];
  const flush = async () => {
    const drafts = [];
    for (const row of pending) {
      const draft = readRecipient(row, campaign, config.generateOfferCode);
      if (isReject(draft)) reject(draft);
      else drafts.push(draft);
    }
    const facts = await lookUpRecipients(deps.db, campaign._id, config.brand, drafts);
    const docs: WaveMessageDoc[] = [];
    for (const draft of drafts) {
      const checked = checkRecipient(draft, { waveId: source.waveId, config, facts, seen, now });
      if (isMessage(checked)) docs.push(checked);
      else reject(checked);
    }
    await insertNew(messages, docs);
    kept += docs.length;
    totalSegments += docs.reduce((sum, doc) => sum + doc.segments, 0);
    rows += pending.length;
    pending = [];
    await onProgress(rows);
  };
  for await (const batch of readRowBatches(stored.body, source.filename, deps.limits)) {
    pending.push(...batch);
    if (pending.length >= CHUNK) await flush();
  }
  if (pending.length > 0) await flush();
  rejects.sort((a, b) => a.line - b.line);
  const wave = newWave(source, { kept, totalSegments, rejects, rejectCount }, now);
  try {
    await waves.insertOne(wave);
    return wave;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    return (await waves.findOne({ _id: source.waveId }))!;
  }
}

/** Inserts the messages, leaving those a previous run wrote as they are. */
export async function insertNew(messages: Collection<WaveMessageDoc>, docs: WaveMessageDoc[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await messages.insertMany(docs, { ordered: false });
  } catch (error) {
    const { writeErrors } = error as { writeErrors?: { code?: number } | { code?: number }[] };
    const failed = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (failed.length === 0 || failed.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
  }
}

function newWave(
  source: WaveSource,
  built: { kept: number; totalSegments: number; rejects: WaveReject[]; rejectCount: number },
  now: Date,
): WaveDoc {
  const { config } = source;
  const seconds = expectedDurationSeconds(built.totalSegments, config.segmentsPerSecond);
  return {
    _id: source.waveId,
    name: source.name,
    status: 'DRAFT',
    config,
    sourceKey: source.sourceKey,
    prepId: source.prepId,
    counts: unsentCounts(built.kept),
    rejects: built.rejects,
    rejectCount: built.rejectCount,
    totalSegments: built.totalSegments,
    expectedFinishAt: new Date(config.notifyDate.getTime() + seconds * 1000),
    statusReason: null,
    scheduledJobId: null,
    codesGenerated: false,
    codesAssigned: false,
    consecutiveErrors: 0,
    sendRuns: 0,
    createdBy: source.createdBy,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
  };
}

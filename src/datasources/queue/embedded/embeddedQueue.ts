import { ObjectId, type Collection, type Db } from '../../store';
import {
  checkOutgoing,
  checkQueueName,
  deadLetterQueueName,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
  QueueError,
  receiveLimit,
  type DeadLetter,
  type EnsureQueueOptions,
  type OutgoingMessage,
  type QueueMessage,
  type QueuePort,
  type QueueStats,
  type ReceiveOptions,
  type SentMessage,
} from '../port';
import { claimFifo } from './claim';
import { isDuplicate, rememberDeduplicationId } from './deduplication';
import {
  BODIES,
  DEFINITIONS,
  MESSAGES,
  parseReceiptHandle,
  toQueueMessage,
  type BodyDocument,
  type MessageDocument,
  type QueueDefinition,
} from './documents';
import { SendSignals } from './sendSignals';
import { SendWatcher } from './sendWatcher';
import { StandardClaims } from './standardClaims';
import { Wakeups } from './wakeups';

export interface EmbeddedQueueOptions {
  /**
   * Longest sleep of a long poll between checks. Sends wake receivers at once (this process's
   * directly, other processes' through the store's change stream); the poll bounds the wait
   * where no event comes: a FIFO group freed or a redrive by another process, or a store
   * without change streams.
   */
  pollIntervalMs?: number;
}

/** Immediate re-tries of a receive whose candidates all went to other receivers. */
const MAX_RACE_RETRIES = 5;

const secondsFrom = (now: Date, seconds: number) => new Date(now.getTime() + Math.max(0, seconds) * 1000);

/** How long a send may take between storing its bodies and its messages: older lone bodies are swept. */
const SEND_MARGIN_MS = 10 * 60_000;

/** The queue port kept in the document store: durable, shared by every process on the store. */
export class EmbeddedQueuePort implements QueuePort {
  readonly engine = 'embedded' as const;
  private readonly messages: Collection<MessageDocument>;
  private readonly bodies: Collection<BodyDocument>;
  private readonly definitions: Collection<QueueDefinition>;
  private readonly known = new Map<string, QueueDefinition>();
  private readonly wakeups = new Wakeups();
  private readonly sendSignals: SendSignals;
  private readonly sendWatcher: SendWatcher;
  private readonly standardClaims: StandardClaims;
  private readonly pollIntervalMs: number;
  private closed = false;
  private swept: Promise<unknown> | undefined;

  constructor(
    private readonly db: Db,
    options: EmbeddedQueueOptions = {},
  ) {
    this.messages = db.collection<MessageDocument>(MESSAGES);
    this.bodies = db.collection<BodyDocument>(BODIES);
    this.definitions = db.collection<QueueDefinition>(DEFINITIONS);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.standardClaims = new StandardClaims(this.messages);
    this.sendSignals = new SendSignals(db);
    // A signal may stand for many messages: every waiter looks (one claim round per process).
    this.sendWatcher = new SendWatcher(db, (queue) => this.wakeups.notify(queue));
  }

  async ensureQueue(name: string, options: EnsureQueueOptions = {}): Promise<void> {
    checkQueueName(name);
    // Once per process, as its queues are set up: what an earlier one left half-written goes.
    this.swept ??= this.sweepLoneBodies();
    await this.swept;
    const fifo = options.fifo ?? false;
    const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
    const definition: QueueDefinition = {
      _id: name,
      fifo,
      maxReceiveCount: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      visibilityTimeoutSeconds,
    };
    if (options.deadLetter ?? true) {
      const deadLetter: QueueDefinition = {
        _id: deadLetterQueueName(name),
        fifo,
        maxReceiveCount: 0,
        visibilityTimeoutSeconds,
      };
      await this.saveDefinition(deadLetter);
      definition.deadLetterQueue = deadLetter._id;
    }
    await this.saveDefinition(definition);
  }

  async send(queue: string, message: OutgoingMessage): Promise<SentMessage> {
    const [sent] = await this.sendBatch(queue, [message]);
    return sent;
  }

  async sendBatch(queue: string, outgoing: OutgoingMessage[]): Promise<SentMessage[]> {
    const definition = await this.definition(queue);
    const now = new Date();
    const sent: SentMessage[] = [];
    const documents: MessageDocument[] = [];
    const bodies: BodyDocument[] = [];
    for (const message of outgoing) {
      const doc = this.toDocument(queue, definition, message, now);
      if (definition.fifo && message.deduplicationId) {
        // Sequential on purpose: a duplicate within one batch must see the first one's id.
        const firstId = await rememberDeduplicationId(this.db, queue, message.deduplicationId, doc._id, now);
        if (isDuplicate(firstId, doc._id)) {
          sent.push({ id: firstId });
          continue;
        }
      }
      documents.push(doc);
      bodies.push({ _id: doc._id, body: message.body });
      sent.push({ id: doc._id });
    }
    if (documents.length > 0) {
      // Bodies first: a message is receivable only once stored, and by then its body is there.
      await this.bodies.insertMany(bodies);
      await this.messages.insertMany(documents);
      this.sendSignals.sent(queue);
    }
    this.wakeups.notify(queue, documents.length);
    return sent;
  }

  async receive(queue: string, options: ReceiveOptions = {}): Promise<QueueMessage[]> {
    const max = receiveLimit(options);
    const definition = await this.definition(queue);
    const deadline = Date.now() + Math.max(0, options.waitSeconds ?? 0) * 1000;
    for (let raced = 0; ;) {
      const { received, contended } = await this.claim(definition, max, options.visibilityTimeoutSeconds);
      const remaining = deadline - Date.now();
      if (received.length > 0 || options.signal?.aborted || this.closed) return received;
      // Lost every candidate to other receivers: messages are there, so look again at once.
      if (contended && raced++ < MAX_RACE_RETRIES) continue;
      if (remaining <= 0) return received;
      const nextVisible = await this.messages.findOne(
        { queue, visibleAt: { $gt: new Date() } },
        { sort: { visibleAt: 1 }, projection: { visibleAt: 1 } },
      );
      const untilVisible = nextVisible ? nextVisible.visibleAt.getTime() - Date.now() + 1 : Infinity;
      this.sendWatcher.ensureOpen();
      await this.wakeups.wait(queue, Math.min(remaining, untilVisible, this.pollIntervalMs), options.signal);
    }
  }

  async delete(queue: string, receiptHandles: string | string[]): Promise<void> {
    // Messages of one receive share a receipt token: one deleteMany per token.
    const byReceipt = new Map<string, string[]>();
    for (const handle of typeof receiptHandles === 'string' ? [receiptHandles] : receiptHandles) {
      const parsed = parseReceiptHandle(handle);
      if (!parsed) continue;
      const ids = byReceipt.get(parsed.receipt);
      if (ids) ids.push(parsed._id);
      else byReceipt.set(parsed.receipt, [parsed._id]);
    }
    await Promise.all([...byReceipt].map(([receipt, ids]) => this.deleteHeld(queue, receipt, ids)));
    // A deleted FIFO head frees its group for a waiting receiver.
    if (byReceipt.size > 0 && (await this.definition(queue)).fifo) this.wakeups.notify(queue, byReceipt.size);
  }

  /** Deletes the messages still held under `receipt`, then the bodies of those deleted. */
  private async deleteHeld(queue: string, receipt: string, ids: string[]): Promise<void> {
    const { deletedCount } = await this.messages.deleteMany({ _id: { $in: ids }, queue, receipt });
    if (deletedCount === 0) return;
    let gone = ids;
    if (deletedCount < ids.length) {
      // A stale handle among them: its message lives on (received again), and so does its body.
      const kept = await this.messages.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
      const keptIds = new Set(kept.map((doc) => doc._id));
      gone = ids.filter((id) => !keptIds.has(id));
    }
    await this.bodies.deleteMany({ _id: { $in: gone } });
  }

  /**
   * Deletes bodies left without a message by a process that stopped between the two deletes (or
   * the two inserts of a send): those older than every stored message and than SEND_MARGIN_MS.
   */
  async sweepLoneBodies(now = new Date()): Promise<number> {
    const oldest = await this.messages.findOne({}, { sort: { _id: 1 }, projection: { _id: 1 } });
    const margin = ObjectId.createFromTime(Math.floor((now.getTime() - SEND_MARGIN_MS) / 1000)).toHexString();
    const bound = oldest && oldest._id < margin ? oldest._id : margin;
    const { deletedCount } = await this.bodies.deleteMany({ _id: { $lt: bound } });
    return deletedCount;
  }

  async changeVisibility(queue: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const handle = parseReceiptHandle(receiptHandle);
    if (!handle) return;
    await this.messages.updateOne(
      { _id: handle._id, queue, receipt: handle.receipt },
      { $set: { visibleAt: secondsFrom(new Date(), visibilityTimeoutSeconds) } },
    );
    if (visibilityTimeoutSeconds <= 0) this.wakeups.notify(queue, 1);
  }

  async deadLetter(queue: string, message: QueueMessage): Promise<void> {
    const definition = await this.definition(queue);
    const handle = parseReceiptHandle(message.receiptHandle);
    if (!handle) return;
    await this.messages.updateOne(
      { _id: handle._id, queue, receipt: handle.receipt },
      {
        $set: { queue: this.requireDeadLetter(definition), visibleAt: new Date(), receiveCount: 0 },
        $unset: { receipt: '' },
      },
    );
  }

  async stats(queue: string): Promise<QueueStats> {
    const definition = await this.definition(queue);
    const now = new Date();
    // Counted from index entries alone: a message's body is never read to count it.
    const [visible, hidden, delayed, deadLettered] = await Promise.all([
      this.messages.countDocuments({ queue, visibleAt: { $lte: now } }),
      this.messages.countDocuments({ queue, visibleAt: { $gt: now } }),
      this.messages.countDocuments({ queue, receiveCount: 0, visibleAt: { $gt: now } }),
      definition.deadLetterQueue
        ? this.messages.countDocuments({ queue: definition.deadLetterQueue })
        : Promise.resolve(0),
    ]);
    return { visible, inFlight: hidden - delayed, delayed, deadLettered };
  }

  async deadLetters(queue: string, options: { first?: number } = {}): Promise<DeadLetter[]> {
    const deadLetterQueue = this.requireDeadLetter(await this.definition(queue));
    const docs = await this.messages
      .find({ queue: deadLetterQueue }, { sort: { _id: 1 }, limit: options.first ?? 20 })
      .toArray();
    const bodies = await this.bodiesOf(docs);
    return docs.map(({ _id, receiveCount, groupId, sentAt }) => ({
      id: _id,
      body: bodies.get(_id) ?? '',
      receiveCount,
      groupId,
      sentAt,
    }));
  }

  async redriveDeadLetters(queue: string): Promise<number> {
    const deadLetterQueue = this.requireDeadLetter(await this.definition(queue));
    const result = await this.messages.updateMany(
      { queue: deadLetterQueue },
      { $set: { queue, visibleAt: new Date(), receiveCount: 0 }, $unset: { receipt: '' } },
    );
    this.wakeups.notify(queue, result.modifiedCount);
    return result.modifiedCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeups.wakeAll();
    await this.sendSignals.close();
    await this.sendWatcher.close();
  }

  private async claim(
    definition: QueueDefinition,
    max: number,
    visibilitySeconds?: number,
  ): Promise<{ received: QueueMessage[]; contended: boolean }> {
    const seconds = Math.max(0, visibilitySeconds ?? definition.visibilityTimeoutSeconds);
    const now = new Date();
    const { claimed, contended } = definition.fifo
      ? await claimFifo(this.messages, { queue: definition._id, max, now, visibleUntil: secondsFrom(now, seconds) })
      : await this.standardClaims.claim(definition._id, max, seconds);
    const { deliver, poisoned } = splitPoisoned(definition, claimed);
    if (poisoned.length > 0 && definition.deadLetterQueue) {
      // As on SQS: a message received more than maxReceiveCount times goes to the DLQ instead.
      await this.messages.bulkWrite(
        poisoned.map((doc) => ({
          updateOne: {
            filter: { _id: doc._id, receipt: doc.receipt },
            update: {
              $set: { queue: definition.deadLetterQueue!, visibleAt: now, receiveCount: 0 },
              $unset: { receipt: '' },
            },
          },
        })),
        { ordered: false },
      );
    }
    // Dead-lettered messages made room: others may be waiting, so do not sleep on this result.
    const bodies = await this.bodiesOf(deliver);
    return {
      received: deliver.map((doc) => toQueueMessage(doc, bodies.get(doc._id) ?? '')),
      contended: contended || poisoned.length > 0,
    };
  }

  /** The bodies of stored messages by _id (a message stored with its body inline keeps that one). */
  private async bodiesOf(docs: MessageDocument[]): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    const separate: string[] = [];
    for (const doc of docs) {
      if (doc.body !== undefined) bodies.set(doc._id, doc.body);
      else separate.push(doc._id);
    }
    if (separate.length === 0) return bodies;
    for (const { _id, body } of await this.bodies.find({ _id: { $in: separate } }).toArray()) bodies.set(_id, body);
    return bodies;
  }

  private toDocument(queue: string, definition: QueueDefinition, message: OutgoingMessage, now: Date): MessageDocument {
    checkOutgoing(message, definition.fifo);
    const doc: MessageDocument = {
      _id: new ObjectId().toHexString(),
      queue,
      sentAt: now,
      visibleAt: secondsFrom(now, message.delaySeconds ?? 0),
      receiveCount: 0,
    };
    if (definition.fifo) doc.groupId = message.groupId ?? 'default';
    return doc;
  }

  private requireDeadLetter(definition: QueueDefinition): string {
    if (!definition.deadLetterQueue)
      throw new QueueError(`queue ${definition._id} has no dead-letter queue`, 'QUEUE_INVALID');
    return definition.deadLetterQueue;
  }

  private async saveDefinition(definition: QueueDefinition): Promise<void> {
    const { _id, ...fields } = definition;
    await this.definitions.updateOne({ _id }, { $set: fields }, { upsert: true });
    this.known.set(_id, definition);
  }

  /** The queue's settings, as ensured by any process on this store. */
  private async definition(queue: string): Promise<QueueDefinition> {
    const cached = this.known.get(queue);
    if (cached) return cached;
    checkQueueName(queue.replace(/-dlq$/, ''));
    const stored = await this.definitions.findOne({ _id: queue });
    if (!stored) throw new QueueError(`queue ${queue} does not exist; ensureQueue() creates it`, 'QUEUE_NOT_FOUND');
    this.known.set(queue, stored);
    return stored;
  }
}

function splitPoisoned(definition: QueueDefinition, claimed: MessageDocument[]) {
  if (!definition.deadLetterQueue || definition.maxReceiveCount <= 0) return { deliver: claimed, poisoned: [] };
  return {
    deliver: claimed.filter((doc) => doc.receiveCount <= definition.maxReceiveCount),
    poisoned: claimed.filter((doc) => doc.receiveCount > definition.maxReceiveCount),
  };
}

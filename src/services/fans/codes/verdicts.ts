import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, QueuePort } from '../../../datasources/queue/port';
import type { CodeKind } from '../model';

/**
 * The verdicts message, version 1 (docs/pipelines/fans/codes.md#verdicts-message): one per
 * batch and campaign on FAN_VERDICTS_QUEUE, for downstream consumers of selections (the seed's
 * verdictQueue). A new field may be added within a version; renaming or removing one makes a
 * new version.
 */
export interface VerdictsMessageV1 {
  version: 1;
  /** Unique per message; a redelivered record is published again in a message of its own. */
  messageId: string;
  campaignId: string;
  publishedAt: string;
  verdicts: VerdictV1[];
}

export interface VerdictV1 {
  userId: string;
  email: string;
  code: string;
  codeKind: CodeKind;
  selectedEvents: string[];
  /** ISO 8601, from the record. */
  assignedAt: string;
  waveId: string | null;
  /** A selection refresh: the fan's code did not change. */
  refresh: boolean;
}

/** Under SQS's 256 KiB per message, with room for the envelope. */
const MAX_BODY_BYTES = 200 * 1024;

/**
 * The messages for one batch's verdicts: one per campaign, split in halves only when a message
 * would pass the queue's size limit (a batch of 1,000 fans with long event lists).
 */
export function verdictMessages(verdicts: { campaignId: string; verdict: VerdictV1 }[], now = new Date()): string[] {
  const byCampaign = new Map<string, VerdictV1[]>();
  for (const { campaignId, verdict } of verdicts) {
    const list = byCampaign.get(campaignId);
    if (list) list.push(verdict);
    else byCampaign.set(campaignId, [verdict]);
  }
  return [...byCampaign].flatMap(([campaignId, list]) => messageBodies(campaignId, list, now));
}

function messageBodies(campaignId: string, verdicts: VerdictV1[], now: Date): string[] {
  const message: VerdictsMessageV1 = {
    version: 1,
    messageId: randomUUID(),
    campaignId,
    publishedAt: now.toISOString(),
    verdicts,
  };
  const body = JSON.stringify(message);
  if (verdicts.length === 1 || Buffer.byteLength(body) <= MAX_BODY_BYTES) return [body];
  const half = Math.ceil(verdicts.length / 2);
  return [
    ...messageBodies(campaignId, verdicts.slice(0, half), now),
    ...messageBodies(campaignId, verdicts.slice(half), now),
  ];
}

/** Sends message bodies together (sendBatch: as few calls as the queue allows); none, nothing is sent. */
export async function sendMessages(queue: QueuePort, queueName: string, bodies: string[]): Promise<void> {
  if (bodies.length === 0) return;
  const messages: OutgoingMessage[] = bodies.map((body) => ({ body }));
  if (messages.length === 1) await queue.send(queueName, messages[0]!);
  else await queue.sendBatch(queueName, messages);
}

import type { SfmcPort } from '../../datasources/sfmc';
import type { Logger } from '../../logger';
import type { ProcessedKeysMessage } from './messages';

export interface AcknowledgeClicksDeps {
  sfmc: SfmcPort;
  logger: Logger;
}

/**
 * The acknowledger step: marks processed rows at the source, one call per business unit for
 * all keys of the messages received together. Marking is idempotent at the source, so a
 * redelivered message only repeats a harmless update. Returns the keys marked per unit.
 */
export async function acknowledgeClicks(
  deps: AcknowledgeClicksDeps,
  messages: ProcessedKeysMessage[],
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const byUnit = new Map<string, string[]>();
  for (const message of messages) {
    const keys = byUnit.get(message.bu) ?? [];
    keys.push(...message.keys);
    byUnit.set(message.bu, keys);
  }
  const marked: Record<string, number> = {};
  for (const [name, keys] of byUnit) {
    const unit = await deps.sfmc.businessUnit(name);
    if (!unit) {
      // Only possible if a unit was removed from configuration while its keys were queued.
      deps.logger.error(
        { bu: name, keys: keys.length },
        'processed click rows of an unknown business unit cannot be acknowledged',
      );
      continue;
    }
    marked[unit.name] = (marked[unit.name] ?? 0) + (await deps.sfmc.markProcessed(unit, keys, signal));
  }
  return marked;
}

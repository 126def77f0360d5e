import { ObjectId } from 'bson';

/**
 * A new document id: ObjectId hex, so ids made later in one process sort after earlier ones,
 * which keeps leads with the same queuedAt in upload order.
 */
export function newId(): string {
  return new ObjectId().toHexString();
}

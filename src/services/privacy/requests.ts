import { ObjectId } from 'bson';
import type { Db } from '../../datasources/store';
import { PRIVACY_REQUESTS, REQUEST_TTL_MS, type PrivacyRequestDoc } from './model';
import type { Person } from './person';

/**
 * The e-mail and number of an export or erasure asked for, kept apart from its job (job records
 * are listed to viewers and kept for long): the job's params name the request, the job drops it
 * when done, and a TTL index drops any left behind after 30 days.
 */
export class PrivacyRequests {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<PrivacyRequestDoc>(PRIVACY_REQUESTS);
  }

  async create(kind: PrivacyRequestDoc['kind'], person: Person, requestedBy: string | null, now = new Date()) {
    const request: PrivacyRequestDoc = {
      _id: new ObjectId().toHexString(),
      kind,
      email: person.email,
      phone: person.phone,
      requestedBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + REQUEST_TTL_MS),
    };
    await this.collection.insertOne(request);
    return request;
  }

  get(id: string): Promise<PrivacyRequestDoc | null> {
    return this.collection.findOne({ _id: id });
  }

  async drop(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}

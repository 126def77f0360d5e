import type { ObjectStore } from '../../datasources/objects/port';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db } from '../../datasources/store';
import type { Logger } from '../../logger';
import { keyedHash } from '../suppression/keyedHash';
import type { PrivacySecret } from '../suppression/privacySecret';
import type { SuppressionList } from '../suppression/suppressionList';
import { personMatcher, type PersonMatcher } from './files/personMatcher';
import type { SubjectHashes } from './model';
import type { Person } from './person';
import { Pseudonyms } from './pseudonyms';
import { tracePerson, type PersonTrail } from './trail';

/** What the privacy services work with: the store, the files, Marketing Cloud's units, the secret. */
export interface PrivacyDeps {
  db: Db;
  objects: ObjectStore;
  sfmc: Pick<SfmcPort, 'businessUnits'>;
  secret: PrivacySecret;
  suppressions: SuppressionList;
  logger: Logger;
}

/** A person as every step of a look-up, an export or an erasure needs them. */
export interface Subject {
  person: Person;
  hashes: SubjectHashes;
  trail: PersonTrail;
  matcher: PersonMatcher;
  pseudonyms: Pseudonyms;
  /** The key of the hashes and pseudonyms (never stored, never logged). */
  secret: string;
}

export function subjectHashes(secret: string, person: Person): SubjectHashes {
  return {
    email: person.email ? keyedHash(secret, 'email', person.email) : null,
    phone: person.phone ? keyedHash(secret, 'phone', person.phone) : null,
  };
}

export async function subjectOf(deps: PrivacyDeps, person: Person): Promise<Subject> {
  const secret = await deps.secret();
  const hashes = subjectHashes(secret, person);
  const trail = await tracePerson(deps, person, hashes);
  return { person, hashes, trail, matcher: personMatcher(trail), pseudonyms: new Pseudonyms(secret), secret };
}

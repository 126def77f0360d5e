/**
 * The stored shapes of the privacy domain. No document here holds an erased person's e-mail or
 * number: only their keyed hashes (PRIVACY_HASH_SECRET), except a request's, kept until its job
 * has run.
 */

/** Every erasure asked for, found or not: what a restore re-applies (reapplyErasures). */
export const ERASURES = 'erasures';
/** Personal-data exports: whose (by hash), where the file is, until when it is kept. */
export const PRIVACY_EXPORTS = 'privacyExports';
/** A request's e-mail and number, from the mutation to the end of its job (never in the job's params). */
export const PRIVACY_REQUESTS = 'privacyRequests';

import type { SuppressedHash } from '../suppression/suppressionList';

/** The keyed hashes of a person's e-mail and number (keyedHash, suppressionList.ts). */
export interface SubjectHashes {
  email: string | null;
  phone: string | null;
}

export interface ErasureDoc {
  /** The erase-person job's id. */
  _id: string;
  hashes: SubjectHashes;
  at: Date;
  requestedBy: string | null;
  status: 'RUNNING' | 'DONE';
  finishedAt: Date | null;
  /** Documents, file rows and lake records changed. */
  changed: number | null;
  /**
   * The suppression entries the erasure stands for (the e-mail and number asked about, and those
   * the person's records held besides); empty when the person was found nowhere.
   */
  suppressions: SuppressedHash[];
  /** When a restore last re-applied it. */
  reappliedAt?: Date;
}

export interface PrivacyExportDoc {
  /** The export job's id. */
  _id: string;
  hashes: SubjectHashes;
  /** The JSON file on the objects port, once written. */
  key: string | null;
  documents: number;
  fileRows: number;
  lakeRecords: number;
  requestedBy: string | null;
  createdAt: Date;
  /** The daily sweep deletes the file and this record after it. */
  expiresAt: Date;
}

export interface PrivacyRequestDoc {
  _id: string;
  kind: 'EXPORT' | 'ERASE';
  email: string | null;
  phone: string | null;
  requestedBy: string | null;
  createdAt: Date;
  /** A request whose job never ran to its end is dropped after this (TTL index). */
  expiresAt: Date;
}

/** A request's raw values are dropped this long after it was made, whatever became of its job. */
export const REQUEST_TTL_MS = 30 * 86_400_000;

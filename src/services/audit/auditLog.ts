import { randomUUID } from 'node:crypto';
import type { Role } from '../../auth/roles';
import type { Db, Filter } from '../../datasources/store';
import type { Logger } from '../../logger';
import { paginate, type Page, type PageArgs } from '../pagination';
import { auditValue } from './auditArguments';

/**
 * The audit log: one document per change asked of the service by an operator or an admin, written
 * once and never updated. The retention job deletes entries by `at`.
 */
export const AUDIT_LOG_COLLECTION = 'audit_log';

export type AuditOutcome = 'OK' | 'ERROR';

/** How the change was asked for. */
export type AuditChannel = 'GRAPHQL' | 'CLI';

export interface AuditEntryDocument {
  _id: string;
  /** When the change was asked for. */
  at: Date;
  /** The API key's id; absent for a CLI command run on the store itself. */
  keyId?: string;
  /** The key's name, or `cli (<user>)` for a CLI command run on the store itself. */
  keyName: string;
  role?: Role;
  /** The mutation (`launchWave`), or `cli:<command>`. */
  operation: string;
  /** Its arguments, without file contents or secrets (auditArguments.ts). */
  arguments: Record<string, unknown>;
  outcome: AuditOutcome;
  /** With ERROR: the error's `extensions.code` (a CLI command: `EXIT_<code>`). */
  errorCode?: string;
  /** The id of what the change answered (a job, a wave, a key), when it answered one. */
  resultId?: string;
  via: AuditChannel;
  requestId?: string;
  clientAddress?: string;
}

export type NewAuditEntry = Omit<AuditEntryDocument, '_id'>;

/** Which entries to list; every field narrows the list. */
export interface AuditLogFilter {
  /** An API key's id or name (a rotated key's successors keep its name). */
  key?: string | null;
  operation?: string | null;
  /** At or after. */
  from?: Date | null;
  /** Before. */
  to?: Date | null;
}

/** Who ran a CLI command: the API key it was sent with to the service, or the user at the console. */
export type CommandRunner = Pick<AuditEntryDocument, 'keyId' | 'keyName' | 'role'>;

export interface CommandRun {
  command: string;
  flags: Record<string, string | boolean>;
  positional: readonly string[];
  at: Date;
  exitCode: number;
  by: CommandRunner;
  clientAddress?: string;
}

function entriesFilter(filter: AuditLogFilter): Filter<AuditEntryDocument> {
  const query: Filter<AuditEntryDocument> = {};
  if (filter.key) query.$or = [{ keyId: filter.key }, { keyName: filter.key }];
  if (filter.operation) query.operation = filter.operation;
  if (filter.from || filter.to) {
    query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  return query;
}

/** Writes and pages the audit log. */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /**
   * Appends an entry. The change it records has happened by then: a failed write is logged with
   * what it would have recorded (not the arguments) rather than failing the change's answer.
   */
  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.db.collection<AuditEntryDocument>(AUDIT_LOG_COLLECTION).insertOne({ _id: randomUUID(), ...entry });
    } catch (error) {
      const { arguments: _arguments, ...what } = entry;
      this.logger.error({ err: error, auditEntry: what }, 'could not write an audit log entry');
    }
  }

  /** A CLI command's run: its flags and arguments kept as a mutation's are, its exit code as the outcome. */
  recordCommand(run: CommandRun): Promise<void> {
    return this.record({
      at: run.at,
      ...run.by,
      operation: `cli:${run.command}`,
      arguments: { flags: auditValue(run.flags), positional: auditValue(run.positional) },
      outcome: run.exitCode === 0 ? 'OK' : 'ERROR',
      ...(run.exitCode === 0 ? {} : { errorCode: `EXIT_${run.exitCode}` }),
      via: 'CLI',
      ...(run.clientAddress ? { clientAddress: run.clientAddress } : {}),
    });
  }

  /** Entries newest first, keyset-paginated. */
  page<N>(filter: AuditLogFilter, page: PageArgs, toNode: (entry: AuditEntryDocument) => N): Promise<Page<N>> {
    return paginate(this.db.collection<AuditEntryDocument>(AUDIT_LOG_COLLECTION), entriesFilter(filter), page, {
      sortField: 'at',
      direction: -1,
      toNode,
    });
  }
}

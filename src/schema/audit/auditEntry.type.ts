import { JSONObjectResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { AuditEntryDocument } from '../../services/audit/auditLog';
import { Connection } from '../connection';

export enum AuditOutcome {
  OK = 'OK',
  ERROR = 'ERROR',
}

registerEnumType(AuditOutcome, { name: 'AuditOutcome', description: 'How a recorded change ended' });

export enum AuditChannel {
  GRAPHQL = 'GRAPHQL',
  CLI = 'CLI',
}

registerEnumType(AuditChannel, { name: 'AuditChannel', description: 'How a recorded change was asked for' });

@ObjectType({ description: 'A change asked of the service by an operator or an admin, as the audit log keeps it' })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTime, { description: 'When the change was asked for' })
  at!: Date;

  @Field(() => ID, { nullable: true, description: "The API key's id; null for a CLI command run on the store itself" })
  keyId?: string;

  @Field({ description: 'The API key\'s name, or "cli (<user>)" for a CLI command run on the store itself' })
  keyName!: string;

  @Field(() => Role, { nullable: true })
  role?: Role;

  @Field({ description: 'The mutation (launchWave), or cli:<command>' })
  operation!: string;

  @Field(() => JSONObjectResolver, {
    description: 'Its arguments: files as their name, keys, tokens, secrets and passwords as "[redacted]"',
  })
  arguments!: Record<string, unknown>;

  @Field(() => AuditOutcome)
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true, description: "With ERROR: the error's code (a CLI command: EXIT_<code>)" })
  errorCode?: string;

  @Field(() => ID, { nullable: true, description: 'The id of what the change answered (a job, a wave, a key)' })
  resultId?: string;

  @Field(() => AuditChannel)
  via!: AuditChannel;

  @Field(() => String, { nullable: true, description: "The request's id (X-Request-Id): its log lines" })
  requestId?: string;

  @Field(() => String, { nullable: true })
  clientAddress?: string;

  static fromDocument(doc: AuditEntryDocument): AuditEntry {
    return Object.assign(new AuditEntry(), {
      id: doc._id,
      at: doc.at,
      keyId: doc.keyId,
      keyName: doc.keyName,
      role: doc.role,
      operation: doc.operation,
      arguments: doc.arguments,
      outcome: doc.outcome as AuditOutcome,
      errorCode: doc.errorCode,
      resultId: doc.resultId,
      via: doc.via as AuditChannel,
      requestId: doc.requestId,
      clientAddress: doc.clientAddress,
    });
  }
}

@ObjectType()
export class AuditEntryConnection extends Connection(AuditEntry, 'AuditEntry') {}

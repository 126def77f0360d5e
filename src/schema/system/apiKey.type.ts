import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ApiKeyDocument } from '../../auth/apiKeys';
import { Role } from '../../auth/roles';
import { Connection } from '../connection';

@ObjectType({ description: 'An API key as stored: its prefix and owner, never the key or its hash' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'First characters of the key, to recognise it' })
  prefix!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true })
  agentId?: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true })
  revokedAt?: Date;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the key stops working: set at creation, or by a rotation (the end of its grace period)',
  })
  expiresAt?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Last request with the key, to within a minute' })
  lastUsedAt?: Date;

  @Field(() => Int, { nullable: true, description: "The key's own limit of operations a minute (null: its role's)" })
  requestsPerMinute?: number;

  @Field(() => Int, { nullable: true, description: "The key's own limit of query cost a minute (null: its role's)" })
  costPerMinute?: number;

  @Field(() => ID, { nullable: true, description: 'The key this one replaced by rotation' })
  rotatedFrom?: string;

  @Field(() => ID, { nullable: true, description: 'The key that replaced this one by rotation' })
  replacedBy?: string;

  static fromDocument(doc: ApiKeyDocument): ApiKey {
    return Object.assign(new ApiKey(), {
      id: doc._id,
      prefix: doc.prefix,
      name: doc.name,
      role: doc.role,
      agentId: doc.agentId,
      createdAt: doc.createdAt,
      revokedAt: doc.revokedAt,
      expiresAt: doc.expiresAt,
      lastUsedAt: doc.lastUsedAt,
      requestsPerMinute: doc.requestsPerMinute,
      costPerMinute: doc.costPerMinute,
      rotatedFrom: doc.rotatedFrom,
      replacedBy: doc.replacedBy,
    });
  }
}

@ObjectType()
export class ApiKeyConnection extends Connection(ApiKey, 'ApiKey') {}

@ObjectType({ description: 'A new API key. `key` is shown this once; only its hash is kept.' })
export class CreatedApiKey {
  @Field()
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
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

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  revokedAt?: Date;

  static fromDocument(doc: ApiKeyDocument): ApiKey {
    return Object.assign(new ApiKey(), {
      id: doc._id,
      prefix: doc.prefix,
      name: doc.name,
      role: doc.role,
      agentId: doc.agentId,
      createdAt: doc.createdAt,
      revokedAt: doc.revokedAt,
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

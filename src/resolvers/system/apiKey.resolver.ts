import { DateTime } from '../../schema/dateTime';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { CreateApiKeyInput } from '../../schema/system/apiKey.input';
import { ApiKey, ApiKeyConnection, CreatedApiKey } from '../../schema/system/apiKey.type';
import type { SystemServices } from '../../services/system/systemServices';

@ArgsType()
class ApiKeysArgs extends PageArgs {
  @Field({ nullable: true, defaultValue: false, description: 'Also list revoked and expired keys' })
  includeRevoked?: boolean;
}

/** API key administration: the same operations as the CLI, for admins working remotely. */
@Resolver()
export class ApiKeyResolver {
  constructor(private readonly services: SystemServices) {}

  @Authorized(Role.ADMIN)
  @Query(() => ApiKeyConnection, { description: 'API keys, newest first', complexity: connectionComplexity })
  apiKeys(@Args() { first, after, includeRevoked }: ApiKeysArgs): Promise<ApiKeyConnection> {
    return this.services.apiKeys.page({ first, after, includeRevoked }, ApiKey.fromDocument);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; the key is in the answer and nowhere else' })
  async createApiKey(
    @Arg('input') input: CreateApiKeyInput,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<CreatedApiKey> {
    const { key, apiKey } = await this.services.apiKeys.create(input);
    const createdBy = principal?.keyId;
    this.services.logger.info({ apiKeyId: apiKey._id, role: apiKey.role, createdBy }, 'API key created');
    return Object.assign(new CreatedApiKey(), { key, apiKey: ApiKey.fromDocument(apiKey) });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<ApiKey> {
    const revoked = await this.services.apiKeys.revoke(id);
    this.services.logger.info({ apiKeyId: id, revokedBy: principal?.keyId }, 'API key revoked');
    return ApiKey.fromDocument(revoked);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey, {
    description:
      'Replaces a key by a new one with the same name, role, agent and limits; the old key keeps working for ' +
      '`graceSeconds` (0 to 2592000, 30 days), then is refused as an expired key. The new key is in the answer and nowhere else',
  })
  async rotateApiKey(
    @Arg('id', () => ID) id: string,
    @Arg('graceSeconds', () => Int) graceSeconds: number,
    @Arg('expiresAt', () => DateTime, { nullable: true, description: 'When the new key expires' })
    expiresAt: Date | null,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<CreatedApiKey> {
    const { key, apiKey, previous } = await this.services.apiKeys.rotate(id, { graceSeconds, expiresAt });
    this.services.logger.info(
      { apiKeyId: id, replacedBy: apiKey._id, expiresAt: previous.expiresAt, rotatedBy: principal?.keyId },
      'API key rotated',
    );
    return Object.assign(new CreatedApiKey(), { key, apiKey: ApiKey.fromDocument(apiKey) });
  }
}

import { Arg, Authorized, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { FanEntry } from '../../schema/fans/entry.type';
import { RegisterFanInput } from '../../schema/fans/ingest.input';
import { registerFan } from '../../services/fans/ingest/registerFan';
import type { FanServices } from '../../services/fans/services';

@Resolver()
export class FanIngestResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => FanEntry, {
    description:
      "Registers a fan for an OPEN fan campaign within its registration window, or updates the fan's entry " +
      '(score, verdict and code kept). NOT_FOUND: unknown campaign; CONFLICT: not open for registration; ' +
      'BAD_USER_INPUT: a bad e-mail or a market the campaign lacks',
  })
  async registerFan(@Arg('input', () => RegisterFanInput) input: RegisterFanInput): Promise<FanEntry> {
    const entry = await registerFan(this.services, input);
    return FanEntry.fromDocument(entry);
  }
}

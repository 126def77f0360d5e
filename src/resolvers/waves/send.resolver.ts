import {
  Arg,
  Authorized,
  Ctx,
  ID,
  Mutation,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { forbidden, unauthenticated } from '../../errors';
import { UncertainDecision, UncertainResolution } from '../../schema/waves/message.type';
import { Wave } from '../../schema/waves/wave.type';
import type { WaveDoc } from '../../services/waves/model';
import type { WaveServices } from '../../services/waves/services';

/** The services of the app a subscription runs in (subscribe functions get no resolver), for VIEWER keys. */
function sendingFor({ context }: SubscribeResolverData<unknown, unknown, GraphQLContext>) {
  if (!context.principal) throw unauthenticated();
  if (!holdsRole(context.principal.role, Role.VIEWER)) throw forbidden('This subscription needs the VIEWER role');
  return (context.resolvers.get(WaveSendResolver) as WaveSendResolver).services.sending;
}

/** A sending wave as it goes, and the operator's decision on texts whose send stayed unknown. */
@Resolver()
export class WaveSendResolver {
  constructor(readonly services: WaveServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => UncertainResolution, {
    description:
      "Settles a wave's UNCERTAIN messages that no receipt or provider lookup could (docs/pipelines/waves-sending.md)",
  })
  async resolveUncertainMessages(
    @Arg('waveId', () => ID) waveId: string,
    @Arg('decision', () => UncertainDecision) decision: UncertainDecision,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<UncertainResolution> {
    const messages = await this.services.sending.resolveUncertain(waveId, decision, principal?.keyId ?? 'unknown');
    return Object.assign(new UncertainResolution(), { waveId, decision, messages });
  }

  @Subscription(() => Wave, {
    description: 'The wave now, then after its changes (status, counts, expected finish), at most every second',
    subscribe: (data: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) =>
      sendingFor(data).feed(data.args.id),
  })
  waveUpdated(@Arg('id', () => ID) _id: string, @Root() wave: WaveDoc): Wave {
    return Wave.fromDocument(wave);
  }
}

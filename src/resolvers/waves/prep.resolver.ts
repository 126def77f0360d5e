import GraphQLUpload, { type FileUpload } from 'graphql-upload/GraphQLUpload.mjs';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { Job, toJob } from '../../schema/jobs/job.type';
import { PrepareWaveInput } from '../../schema/waves/prep.input';
import { WavePrep, WavePrepConnection, WavePrepDownload } from '../../schema/waves/prep.type';
import type { WaveServices } from '../../services/waves/services';
import { receiveUpload } from '../uploadedFile';

@ArgsType()
class WavePrepsArgs extends PageArgs {
  @Field(() => ID) campaignId!: string;
}

/** Wave preps: operators prepare them (with the markets' details), viewers read them and download their zips. */
@Resolver(() => WavePrep)
export class WavePrepResolver {
  constructor(private readonly services: WaveServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'Selects eligible fans into markets, reserves NON_TM codes and zips the files, as a wave-prep job. ' +
      "marketDetails (.csv: a market column and any others, e.g. venue, eventDate, presaleTime) replaces the campaign's",
  })
  async prepareWave(
    @Arg('input', () => PrepareWaveInput) input: PrepareWaveInput,
    @Arg('marketDetails', () => GraphQLUpload, { nullable: true }) marketDetails: Promise<FileUpload> | null,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    const upload = marketDetails ? await receiveUpload(marketDetails) : null;
    const job = await this.services.preps.prepare({
      ...input,
      marketDetails: upload ? { source: upload.stream, filename: upload.filename } : null,
      requestedBy: principal!.keyId,
    });
    return toJob(job);
  }

  @Authorized(Role.VIEWER)
  @Query(() => WavePrep, { description: 'One wave prep' })
  async wavePrep(@Arg('id', () => ID) id: string): Promise<WavePrep> {
    const prep = await this.services.preps.get(id);
    if (!prep) throw notFound('Wave prep', id);
    return WavePrep.fromDocument(prep);
  }

  @Authorized(Role.VIEWER)
  @Query(() => WavePrepConnection, {
    description: "A campaign's wave preps, newest first",
    complexity: connectionComplexity,
  })
  async wavePreps(@Args() { campaignId, first, after }: WavePrepsArgs): Promise<WavePrepConnection> {
    const page = await this.services.preps.list(campaignId, { first, after });
    return {
      ...page,
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: WavePrep.fromDocument(edge.node) })),
    };
  }

  @FieldResolver(() => WavePrepDownload, {
    nullable: true,
    description: 'A link to the zip for 24 hours, once PREPPED',
  })
  download(@Root() prep: WavePrep): Promise<WavePrepDownload | null> {
    return this.services.preps.download(prep.document);
  }
}

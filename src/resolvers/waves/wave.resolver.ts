import GraphQLUpload, { type FileUpload } from 'graphql-upload/GraphQLUpload.mjs';
import { DateTime } from '../../schema/dateTime';
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
import { WaveConfigInput, WaveFilter } from '../../schema/waves/wave.input';
import { Wave, WaveConnection, WaveReject, WaveRejectConnection } from '../../schema/waves/wave.type';
import { rejectsPage } from '../../services/waves/queries/rejectsPage';
import type { WaveServices } from '../../services/waves/services';
import { receiveUpload } from '../uploadedFile';

@ArgsType()
class WavesArgs extends PageArgs {
  @Field(() => WaveFilter, { nullable: true }) filter?: WaveFilter | null;
}

/** SMS waves: viewers read them, operators upload, schedule, start, pause, resume and cancel them. */
@Resolver(() => Wave)
export class WaveResolver {
  constructor(private readonly services: WaveServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => WaveConnection, { description: 'Waves, newest first', complexity: connectionComplexity })
  async waves(@Args() { filter, first, after }: WavesArgs): Promise<WaveConnection> {
    const page = await this.services.queries.list({ ...filter }, { first, after });
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: Wave.fromDocument(edge.node) })) };
  }

  @Authorized(Role.VIEWER)
  @Query(() => Wave, { description: 'One wave: its config, counts, progress, expected finish and rejects' })
  async wave(@Arg('id', () => ID) id: string): Promise<Wave> {
    const wave = await this.services.queries.get(id);
    if (!wave) throw notFound('Wave', id);
    return Wave.fromDocument(wave);
  }

  @FieldResolver(() => WaveRejectConnection, {
    description: 'Rows refused at upload, by line (the first 1,000 are kept; totalCount counts them all)',
    complexity: connectionComplexity,
  })
  rejects(@Root() wave: Wave, @Args() { first, after }: PageArgs): WaveRejectConnection {
    const page = rejectsPage(wave.storedRejects, wave.rejectCount, { first, after });
    return {
      ...page,
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: WaveReject.fromDocument(edge.node) })),
    };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'A DRAFT wave from a .csv (or .xlsx) of recipients and its settings, as a wave-upload job whose result names ' +
      'the wave (waveId) and counts the rows kept and rejected',
  })
  async uploadWave(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('config', () => WaveConfigInput) config: WaveConfigInput,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    const upload = await receiveUpload(file);
    const job = await this.services.uploads.upload({
      source: upload.stream,
      filename: upload.filename,
      config: { ...config },
      requestedBy: principal!.keyId,
    });
    return toJob(job);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description: "A DRAFT wave of a PREPPED prep's selected fans and codes (the wave takes the prep's id), as a job",
  })
  async createWaveFromPrep(
    @Arg('prepId', () => ID) prepId: string,
    @Arg('config', () => WaveConfigInput) config: WaveConfigInput,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    return toJob(await this.services.uploads.fromPrep(prepId, { ...config }, principal!.keyId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description: "Generates and registers a DRAFT wave's offer codes again (after a failed upload job)",
  })
  async generateWaveCodes(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return toJob(await this.services.offerCodes.request(id, principal!.keyId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Wave, {
    description: "SCHEDULED for notifyDate (the config's when absent): started then by a delayed job, or by the sweep",
  })
  async scheduleWave(
    @Arg('id', () => ID) id: string,
    @Arg('notifyDate', () => DateTime, { nullable: true }) notifyDate: Date | null,
  ): Promise<Wave> {
    return Wave.fromDocument(await this.services.lifecycle.schedule(id, notifyDate ?? null));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Wave, { description: 'Starts a DRAFT or SCHEDULED wave now' })
  async sendWaveNow(@Arg('id', () => ID) id: string): Promise<Wave> {
    return Wave.fromDocument(await this.services.lifecycle.sendNow(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Wave, { description: 'Stops a SENDING wave taking recipients (within a second)' })
  async pauseWave(@Arg('id', () => ID) id: string): Promise<Wave> {
    return Wave.fromDocument(await this.services.lifecycle.pause(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Wave, { description: 'Sends a PAUSED wave again' })
  async resumeWave(@Arg('id', () => ID) id: string): Promise<Wave> {
    return Wave.fromDocument(await this.services.lifecycle.resume(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Wave, { description: 'Cancels a wave not finished: no more texts go (within a second)' })
  async cancelWave(@Arg('id', () => ID) id: string): Promise<Wave> {
    return Wave.fromDocument(await this.services.lifecycle.cancel(id));
  }
}

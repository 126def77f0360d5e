import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Job } from '../../schema/jobs/job.type';
import type { FanServices } from '../../services/fans/services';
import { receiveUpload } from '../uploadedFile';

/** Scored files and fanlist ranks: each upload is stored as it streams in and answers the job that scores it. */
@Resolver()
export class ScoringResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'A scored file (tab-separated: campaignId, userId, email, phone, score, ...; docs/pipelines/fans/scoring.md): ' +
      'scrubbed into scrubbed/, its stats on the job and in Slack, its scores and verdicts applied to the entries. ' +
      'campaignId, when given, must exist and rows of other campaigns are dropped (WRONG_CAMPAIGN).',
  })
  async uploadScoredFile(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Ctx() { principal }: GraphQLContext,
    @Arg('campaignId', () => ID, { nullable: true }) campaignId?: string | null,
  ): Promise<Job> {
    const upload = await receiveUpload(file);
    const job = await this.services.scoring.scoredFiles.upload({
      source: upload.stream,
      filename: upload.filename,
      campaignId: campaignId ?? null,
      requestedBy: principal?.keyId,
    });
    return Job.fromRecord(job);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      "A fanlist (CSV with rank and userId or email columns): ranks become scores by the campaign's scoringType, " +
      'applied to the entries; the scored file goes to fanlist/scored/{campaignId}/ with manifest.json beside the upload',
  })
  async uploadFanlistRanks(
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('campaignId', () => ID) campaignId: string,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    const upload = await receiveUpload(file);
    const job = await this.services.fanlist.upload({
      source: upload.stream,
      filename: upload.filename,
      campaignId,
      requestedBy: principal?.keyId,
    });
    return Job.fromRecord(job);
  }
}

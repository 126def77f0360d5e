import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { Job, toJob } from '../../schema/jobs/job.type';
import { PersonalDataArgs, PersonArgs } from '../../schema/privacy/person.args';
import { PersonalData, PersonalDataDownload, PersonalDataExport } from '../../schema/privacy/personalData.type';
import type { PrivacyServices } from '../../services/privacy/privacyServices';

/** Personal data of one person, by e-mail or number: look it up, export it, erase it. Admins only. */
@Resolver(() => PersonalDataExport)
export class PrivacyResolver {
  constructor(private readonly services: PrivacyServices) {}

  @Authorized(Role.ADMIN)
  @Query(() => PersonalData, {
    description:
      "Every store document that holds a person's data (an email, a phone, or both), by collection: count and first ids",
  })
  async personalData(@Args() { email, phone, idsPerCollection }: PersonalDataArgs): Promise<PersonalData> {
    return PersonalData.from(await this.services.personalData({ email, phone }, idsPerCollection ?? undefined));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Job, {
    description:
      "Writes the person's data (store documents, file rows, lake records) as one JSON file, as an " +
      'export-personal-data job; personalDataExport(jobId) gives its download link',
  })
  async exportPersonalData(@Args() { email, phone }: PersonArgs, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return toJob(await this.services.exportPersonalData({ email, phone }, principal!.keyId));
  }

  @Authorized(Role.ADMIN)
  @Query(() => PersonalDataExport, { description: 'The export an export-personal-data job wrote' })
  async personalDataExport(@Arg('jobId', () => ID) jobId: string): Promise<PersonalDataExport> {
    const exported = await this.services.exportOf(jobId);
    if (!exported) throw notFound('Personal-data export', jobId);
    return PersonalDataExport.from(exported);
  }

  @FieldResolver(() => PersonalDataDownload, { nullable: true, description: 'A link to the JSON file for 24 hours' })
  download(@Root() exported: PersonalDataExport): Promise<PersonalDataDownload | null> {
    return this.services.download(exported.document);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Job, {
    description:
      'Erases a person everywhere (store, files, the lake) as an erase-person job, and puts their e-mail and ' +
      "number on the suppression list; the job's result lists what changed. An unknown person: nothing changed",
  })
  async erasePerson(@Args() { email, phone }: PersonArgs, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return toJob(await this.services.erasePerson({ email, phone }, principal!.keyId));
  }
}

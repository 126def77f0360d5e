import { z } from 'zod';
import type { JobType } from '../../../jobs/jobType';
import type { OfferCodes } from '../offerCodes/offerCodes';
import { buildWave, type BuildWaveDeps, type WaveSource } from './buildWave';

export const WAVE_UPLOAD_JOB = 'wave-upload';

const configSchema = z.object({
  campaignId: z.string().min(1),
  notifyDate: z.coerce.date(),
  generateOfferCode: z.boolean(),
  messageTemplate: z.string().min(1),
  emailSubjectTemplate: z.string().nullable(),
  emailTemplate: z.string().nullable(),
  validitySeconds: z.number().int().positive(),
  segmentsPerSecond: z.number().positive(),
  sender: z.string().min(1),
  senderKind: z.enum(['LONG_CODE', 'TOLL_FREE', 'SHORT_CODE']),
  messageType: z.enum(['TRANSACTIONAL', 'PROMOTIONAL']),
  brand: z.string().min(1),
});

export const waveUploadParams = z.object({
  waveId: z.string().min(1),
  name: z.string().min(1),
  config: configSchema,
  sourceKey: z.string().min(1),
  filename: z.string().min(1),
  prepId: z.string().nullable(),
  createdBy: z.string(),
  /** Data rows of the file, counted when it was taken: the job's progress. */
  rows: z.number().int().min(0),
});

export type WaveUploadParams = z.infer<typeof waveUploadParams>;

export interface WaveUploadResult {
  waveId: string;
  kept: number;
  rejected: number;
  totalSegments: number;
  offerCodes: number;
}

/**
 * `wave-upload`: builds the DRAFT wave from its stored file (buildWave), then, for a wave with
 * generateOfferCode, gives every row its offer code and registers them. Both steps are
 * idempotent, so a retried job finishes what a stopped one began.
 */
export function waveUploadJob(deps: BuildWaveDeps & { offerCodes: OfferCodes }): JobType<WaveUploadParams> {
  return {
    name: WAVE_UPLOAD_JOB,
    params: waveUploadParams,
    options: { attempts: 5, backoffMs: 5000 },
    async perform(params, context): Promise<WaveUploadResult> {
      const source: WaveSource = params;
      const wave = await buildWave(deps, source, (rows) =>
        context.progress(params.rows > 0 ? Math.min(0.9, (0.9 * rows) / params.rows) : 0.9, `${rows} rows checked`),
      );
      await context.setStats({ kept: wave.counts.total, rejected: wave.rejectCount });
      const codes = await deps.offerCodes.generate(wave._id);
      return {
        waveId: wave._id,
        kept: wave.counts.total,
        rejected: wave.rejectCount,
        totalSegments: wave.totalSegments,
        offerCodes: codes.registered,
      };
    },
  };
}

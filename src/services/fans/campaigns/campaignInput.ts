import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { badInput, fromZodError } from '../../../errors';
import type { MarketDoc } from '../model';

/** At most this many markets per campaign: a tour, not a catalogue. */
export const MAX_MARKETS = 200;

/**
 * Campaign and market ids: no `:`, because an entry's id is `${campaignId}:${userId}` and the entry
 * listing reads a campaign's entries as the `_id` range after `${campaignId}:`.
 */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const idField = z.string().trim().regex(idPattern, 'letters, digits, - and _ only (at most 64), starting with one');

const text = (max: number) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const limit = z.number().int().min(0, 'at least 0').nullish();

const market = z.object({
  id: idField,
  name: text(200),
  city: text(200),
  country: z
    .string()
    .trim()
    .transform((country) => country.toUpperCase())
    .refine((country) => /^[A-Z]{2}$/.test(country) && isSupportedCountry(country), 'not an ISO 3166-1 alpha-2 code'),
  timeZone: z.string().trim().refine(isTimeZone, 'not an IANA time zone'),
  registrationLimit: limit,
  selectionLimit: limit,
});

const markets = z
  .array(market)
  .max(MAX_MARKETS, `at most ${MAX_MARKETS} markets`)
  .superRefine((list, context) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry.id)) {
        context.addIssue({ code: 'custom', path: [index, 'id'], message: `market id ${entry.id} appears twice` });
      }
      seen.add(entry.id);
    });
  });

const fields = z.object({
  name: text(200),
  artist: text(200),
  scoringType: z.enum(['LINEAR', 'LOG']),
  registrationOpensAt: z.date().nullish(),
  registrationClosesAt: z.date().nullish(),
  markets,
});

const createFields = fields.extend({ id: idField.nullish(), markets: markets.default([]) });

export type MarketFields = z.infer<typeof market>;
export type CampaignCreate = z.infer<typeof createFields>;
export type CampaignChange = Partial<z.infer<typeof fields>>;

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error, 'input');
  return result.data;
}

export const parseCampaignCreate = (input: unknown): CampaignCreate => parsed(createFields, input);

export const parseCampaignChange = (input: unknown): CampaignChange => parsed(fields.partial(), input);

export const toMarketDoc = (fields: MarketFields): MarketDoc => ({
  ...fields,
  registrationLimit: fields.registrationLimit ?? null,
  selectionLimit: fields.selectionLimit ?? null,
});

/** The registration window must not close before it opens (either end may be open). */
export function checkWindow(opensAt: Date | null, closesAt: Date | null): void {
  if (opensAt && closesAt && closesAt <= opensAt) {
    throw badInput('input.registrationClosesAt: must be after registrationOpensAt', 'input.registrationClosesAt');
  }
}

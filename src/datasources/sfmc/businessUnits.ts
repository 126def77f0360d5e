import { z } from 'zod';

/** Environment variable names as POSIX shells accept them. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/**
 * A business unit name: it is part of every unique key and of queue messages, so it is kept to
 * characters that are safe in keys, file names and Mongo paths (never a leading "$").
 */
export const businessUnitName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'letters, digits, space, ".", "_" and "-" (at most 64)');

export const businessUnitSchema = z.object({
  name: businessUnitName,
  /** Member id of the business unit: the token request's account_id. */
  mid: z.union([z.string().regex(/^\d+$/, 'digits'), z.number().int().positive()]).transform(String),
  /** Tenant-specific subdomain of the Marketing Cloud API hosts. */
  subdomain: z.string().regex(/^[A-Za-z0-9-]+$/, 'the tenant subdomain (letters, digits, -)'),
  clientIdEnv: envName,
  clientSecretEnv: envName,
  /** External key of the click-log data extension. */
  clickLogKey: z.string().min(1),
});

export type ConfiguredBusinessUnit = z.infer<typeof businessUnitSchema>;

/** A business unit as the pipeline sees it: configured, or registered locally by an import. */
export interface BusinessUnit {
  name: string;
  clickLogKey: string;
  mid?: string;
  subdomain?: string;
  clientIdEnv?: string;
  clientSecretEnv?: string;
  source: 'config' | 'local';
}

/** Parses SFMC_BUSINESS_UNITS; throws an Error naming every bad entry and field. */
export function parseBusinessUnits(json: string | undefined): BusinessUnit[] {
  if (json === undefined || json.trim() === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`SFMC_BUSINESS_UNITS: not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = z.array(businessUnitSchema).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`);
    throw new Error(`SFMC_BUSINESS_UNITS: ${problems.join('; ')}`);
  }
  const seen = new Set<string>();
  for (const unit of parsed.data) {
    const folded = unit.name.toLowerCase();
    if (seen.has(folded)) throw new Error(`SFMC_BUSINESS_UNITS: business unit "${unit.name}" is listed twice`);
    seen.add(folded);
  }
  return parsed.data.map((unit) => ({ ...unit, source: 'config' as const }));
}

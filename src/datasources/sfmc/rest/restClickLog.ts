import { z } from 'zod';
import type { Logger } from '../../../logger';
import type { BusinessUnit } from '../businessUnits';
import { eventDateOf } from '../clickLogRow';
import { formatSfmcDate } from '../clickLogRow';
import { SfmcError, type ClickLogPage, type ReadClickLogRequest, type SfmcPort, type SourceRow } from '../port';
import { requestJson, type RetryPolicy } from './http';
import { TokenCache, type AccessToken } from './tokens';

const rowsetPage = z.object({
  count: z.number().int().nonnegative().optional(),
  items: z.array(
    z.object({
      keys: z.record(z.string(), z.unknown()).default({}),
      values: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
});

/**
 * Where a REST read stands: rows are read with `EventDate >= after`, page `page`. After a page
 * whose last row is later than `after`, the next read starts at page 1 from that date, so rows
 * acknowledged meanwhile (which drop out of the `Processed eq false` filter) cannot shift a
 * later page past unread rows; only within one EventDate second are page numbers used. Rows
 * of that second returned already are skipped, so no row is handed out twice by one read.
 */
interface RestCursor {
  after: string | null;
  page: number;
  /** Keys already returned whose EventDate is `after`: page 1 from that date repeats them. */
  seen: string[];
}

export interface RestSfmcOptions {
  units: BusinessUnit[];
  authBaseUrl: string;
  restBaseUrl: string;
  retry: RetryPolicy;
  logger: Logger;
  secret(name: string): string | undefined;
  /** Rows per acknowledgement request. */
  ackChunk?: number;
}

/** Marketing Cloud REST: click-log rows read and acknowledged per business unit. */
export function createRestSfmc(options: RestSfmcOptions): SfmcPort {
  const tokens = new TokenCache(options);
  const ackChunk = options.ackChunk ?? 500;

  /** Sends with the unit's token; a 401 drops the token and retries once with a fresh one. */
  const authorized = async (
    unit: BusinessUnit,
    send: (token: AccessToken) => Promise<{ status: number; body: unknown }>,
    signal?: AbortSignal,
  ) => {
    let token = await tokens.get(unit, signal);
    let response = await send(token);
    if (response.status === 401) {
      await tokens.invalidate(unit, token);
      token = await tokens.get(unit, signal);
      response = await send(token);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new SfmcError(`business unit ${unit.name}: HTTP ${response.status}`, response.status);
    }
    return response.body;
  };

  const readClickLog = async (unit: BusinessUnit, request: ReadClickLogRequest): Promise<ClickLogPage> => {
    const cursor: RestCursor = parseCursor(request.cursor) ?? {
      after: request.from ? formatSfmcDate(request.from) : null,
      page: 1,
      seen: [],
    };
    const filter = cursor.after ? `Processed eq false and EventDate gte '${cursor.after}'` : 'Processed eq false';
    const query = new URLSearchParams({
      $page: String(cursor.page),
      $pageSize: String(request.pageSize),
      $filter: filter,
      $orderBy: 'EventDate asc',
    });
    const path = `/data/v1/customobjectdata/key/${encodeURIComponent(unit.clickLogKey)}/rowset?${query}`;
    const body = await authorized(
      unit,
      (token) =>
        requestJson(
          {
            method: 'GET',
            url: token.restBaseUrl + path,
            headers: { authorization: `Bearer ${token.value}` },
            signal: request.signal,
          },
          options.retry,
          options.logger,
        ),
      request.signal,
    );
    const parsed = rowsetPage.safeParse(body);
    if (!parsed.success) throw new SfmcError(`business unit ${unit.name}: unexpected rowset response`);
    const rows = parsed.data.items.map((item) => ({ key: JSON.stringify(item.keys), values: item.values }));
    const seen = new Set(cursor.seen);
    return {
      rows: rows.filter((row) => !seen.has(row.key)),
      next: rows.length < request.pageSize ? null : JSON.stringify(nextCursor(cursor, rows)),
    };
  };

  return {
    engine: 'rest',
    async businessUnits() {
      return options.units;
    },
    async businessUnit(name) {
      const folded = name.trim().toLowerCase();
      return options.units.find((u) => u.name.toLowerCase() === folded) ?? null;
    },
    readClickLog,
    async markProcessed(unit, keys, signal) {
      const path = `/hub/v1/dataevents/key:${encodeURIComponent(unit.clickLogKey)}/rowset`;
      for (let start = 0; start < keys.length; start += ackChunk) {
        const body = keys
          .slice(start, start + ackChunk)
          .map((key) => ({ keys: JSON.parse(key) as unknown, values: { Processed: true } }));
        await authorized(
          unit,
          (token) =>
            requestJson(
              {
                method: 'POST',
                url: token.restBaseUrl + path,
                headers: { authorization: `Bearer ${token.value}` },
                body,
                signal,
              },
              options.retry,
              options.logger,
            ),
          signal,
        );
      }
      return keys.length;
    },
    /** The rowset's `count` of unprocessed rows, from a one-row page. */
    async backlog(unit) {
      const query = new URLSearchParams({ $page: '1', $pageSize: '1', $filter: 'Processed eq false' });
      const path = `/data/v1/customobjectdata/key/${encodeURIComponent(unit.clickLogKey)}/rowset?${query}`;
      const body = await authorized(unit, (token) =>
        requestJson(
          { method: 'GET', url: token.restBaseUrl + path, headers: { authorization: `Bearer ${token.value}` } },
          options.retry,
          options.logger,
        ),
      );
      const parsed = rowsetPage.safeParse(body);
      return parsed.success ? (parsed.data.count ?? null) : null;
    },
  };
}

const restCursor = z.object({
  after: z.string().nullable(),
  page: z.number().int().positive(),
  seen: z.array(z.string()),
});

/** A stored position; one this engine did not write (another engine's) restarts the read. */
function parseCursor(text: string | null): RestCursor | null {
  if (!text) return null;
  try {
    const parsed = restCursor.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function nextCursor(cursor: RestCursor, rows: SourceRow[]): RestCursor {
  const last = rows.at(-1);
  const lastDate = last ? eventDateOf(last.values) : null;
  if (lastDate) {
    const after = formatSfmcDate(lastDate);
    if (cursor.after === null || after > cursor.after) {
      const seen = rows.filter((row) => {
        const date = eventDateOf(row.values);
        return date !== null && formatSfmcDate(date) === after;
      });
      return { after, page: 1, seen: seen.map((row) => row.key) };
    }
  }
  return { after: cursor.after, page: cursor.page + 1, seen: cursor.seen };
}

import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** ISO texts of times answered lately, by epoch milliseconds: dashboards ask the same times again and again. */
const isoTexts = new Map<number, string>();
const MAX_ISO_TEXTS = 20_000;

function isoText(date: Date): string {
  const ms = date.getTime();
  let text = isoTexts.get(ms);
  if (text === undefined) {
    if (isoTexts.size >= MAX_ISO_TEXTS) isoTexts.clear();
    text = date.toISOString();
    isoTexts.set(ms, text);
  }
  return text;
}

/**
 * graphql-scalars' DateTime (RFC 3339 in UTC, same name, description and parsing), answering its
 * ISO 8601 text rather than a Date object: JSON.stringify then writes each time as it is instead
 * of calling every Date's toJSON, and a time answered lately (a series' hours, a page's dates) is
 * written from the text made for it then.
 */
export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return isoText(value);
    const serialized = DateTimeResolver.serialize(value) as unknown;
    return serialized instanceof Date ? isoText(serialized) : serialized;
  },
});

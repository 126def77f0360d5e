import { GraphQLError } from 'graphql';
import { DateTime } from '../../src/schema/dateTime';

describe('DateTime scalar', () => {
  it('answers ISO 8601 text in UTC, as JSON wrote the Date before', () => {
    const at = new Date('2026-12-04T05:22:05.560Z');
    expect(DateTime.serialize(at)).toBe('2026-12-04T05:22:05.560Z');
    expect(DateTime.serialize(at)).toBe(JSON.parse(JSON.stringify(at)));
    expect(DateTime.serialize('2026-01-01T01:00:00+01:00')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('keeps graphql-scalars’ name, parsing and refusals', () => {
    expect(DateTime.name).toBe('DateTime');
    expect(DateTime.parseValue('2026-01-01T00:00:00Z')).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(() => DateTime.serialize(new Date('not a date'))).toThrow(GraphQLError);
  });
});

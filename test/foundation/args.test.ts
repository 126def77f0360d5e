import { checkFlags, parseArgs, UsageError } from '../../src/features/commandLine';

describe('parseArgs', () => {
  it.each([
    [['create-api-key', '--role', 'admin', '--name', 'Ops'], 'create-api-key', { role: 'admin', name: 'Ops' }, []],
    [['x', '--name=A B', '--dry-run'], 'x', { name: 'A B', 'dry-run': true }, []],
    [['x', '--dry-run', '--date', '2024-01-02'], 'x', { 'dry-run': true, date: '2024-01-02' }, []],
    [['x', 'file.csv', '--', '--not-a-flag'], 'x', {}, ['file.csv', '--not-a-flag']],
    [[], undefined, {}, []],
  ])('%j', (argv, command, flags, positional) => {
    expect(parseArgs(argv)).toEqual({ command, flags, positional });
  });

  it('refuses a bare -- followed by =', () => {
    expect(() => parseArgs(['x', '--=value'])).toThrow(UsageError);
  });
});

describe('checkFlags', () => {
  const spec = { required: ['role', 'name'], optional: ['agent-id'] };

  it('returns the values of known flags', () => {
    expect(checkFlags({ role: 'agent', name: 'A', 'agent-id': 'a1' }, spec)).toEqual({
      role: 'agent',
      name: 'A',
      'agent-id': 'a1',
    });
  });

  it.each([
    [{ role: 'admin' }, '--name is required'],
    [{ role: 'admin', name: 'A', colour: 'red' }, 'unknown flag --colour'],
    [{ role: true, name: 'A' }, '--role needs a value'],
  ])('%j -> %s', (flags, message) => {
    expect(() => checkFlags(flags, spec)).toThrow(message);
  });
});

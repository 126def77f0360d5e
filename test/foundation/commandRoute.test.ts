import { fromThisHost } from '../../src/server/commandRoute';

describe('the CLI command route', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.7', false],
    ['::ffff:10.0.0.7', false],
    ['192.168.1.20', false],
    [undefined, false],
  ])('takes a request from %s: %s', (address, expected) => {
    expect(fromThisHost(address)).toBe(expected);
  });
});

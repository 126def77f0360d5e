import { maskEmail, maskPhone } from '../../src/services/fans/entries/maskContact';

describe('contact masking for viewers', () => {
  it.each([
    ['jane.doe@example.com', 'j***@example.com'],
    ['a@b.io', 'a***@b.io'],
    ['odd"@name"@example.com', 'o***@example.com'],
    ['no-at-sign', '***'],
    ['@example.com', '***'],
  ])('masks the e-mail %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each([
    ['+14155552671', '+1******2671'],
    ['+447911123456', '+4*******3456'],
    ['+3312', '+3*12'],
    ['12345', '***45'],
  ])('masks the phone %s as %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

import { measureSms, smsBodyProblem } from '../../../src/datasources/sms';

const a = (n: number) => 'a'.repeat(n);

describe('measureSms', () => {
  test.each([
    ['empty', '', 'GSM-7', 0, 0],
    ['short GSM-7', 'Hello @ £5', 'GSM-7', 10, 1],
    ['160 GSM-7 characters: one part', a(160), 'GSM-7', 160, 1],
    ['161: two parts of 153', a(161), 'GSM-7', 161, 2],
    ['306: two full parts', a(306), 'GSM-7', 306, 2],
    ['307: three parts', a(307), 'GSM-7', 307, 3],
    ['extension characters count 2', '€'.repeat(80), 'GSM-7', 160, 1],
    ['81 euro signs: 162 septets', '€'.repeat(81), 'GSM-7', 162, 2],
    ['an escape is never split across parts', `${a(152)}€${a(152)}`, 'GSM-7', 306, 3],
    ['every extension character', '^{}\\[~]|€\f', 'GSM-7', 20, 1],
    ['accents of the GSM-7 table stay GSM-7', 'èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà¿¡§', 'GSM-7', 26, 1],
    ['one character outside GSM-7 makes it UCS-2', 'Merci ç', 'UCS-2', 7, 1],
    ['70 UCS-2 characters: one part', 'ж'.repeat(70), 'UCS-2', 70, 1],
    ['71: two parts of 67', 'ж'.repeat(71), 'UCS-2', 71, 2],
    ['134: two parts', 'ж'.repeat(134), 'UCS-2', 134, 2],
    ['135: three parts', 'ж'.repeat(135), 'UCS-2', 135, 3],
    ['an emoji counts 2 units', '😀'.repeat(35), 'UCS-2', 70, 1],
    ['a surrogate pair is never split', '😀'.repeat(36), 'UCS-2', 72, 2],
    ['mixed text with an emoji', 'Your code ABCD-EFGH-JKMN 🎟️', 'UCS-2', 28, 1],
  ])('%s', (_name, body, encoding, units, segments) => {
    expect(measureSms(body)).toMatchObject({ encoding, units, segments });
  });

  test('characters are code points: an emoji is one character and two units', () => {
    expect(measureSms('😀😀')).toEqual({ encoding: 'UCS-2', characters: 2, units: 4, segments: 1 });
  });
});

describe('smsBodyProblem', () => {
  test.each([
    ['Hi {{firstName}}', null],
    [a(1600), null],
    ['😀'.repeat(1600), null],
    [a(1601), '1601 characters: at most 1,600'],
    ['', 'the text is empty'],
    ['   ', 'the text is empty'],
  ])('%#', (body, problem) => {
    expect(smsBodyProblem(body)).toBe(problem);
  });
});

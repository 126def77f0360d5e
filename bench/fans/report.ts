/** One printed figure: its value, what it is compared with, and the goal. */
export interface FigureLine {
  label: string;
  value: number | null;
  unit: string;
  /** The baseline or other figure beside it, already worded ("seed's way 3,210/s: 7.3x"). */
  beside?: string;
  goal: string;
  met: boolean | null;
}

const format = (value: number | null, unit: string) =>
  value === null ? 'not measured' : `${value.toLocaleString('en-US')} ${unit}`;

export function printFigure({ label, value, unit, beside, goal, met }: FigureLine): void {
  const verdict = met === null ? '' : met ? '  met' : '  MISSED';
  console.log(
    `${label.padEnd(20)} ${format(value, unit).padStart(20)}   ${(beside ?? '').padEnd(40)} goal ${goal}${verdict}`,
  );
}

export const perSecond = (count: number, seconds: number) => Math.round(count / seconds);

/** A cell as the readers hand it over: CSV gives strings, .xlsx also numbers, booleans and dates. */
export type CellValue = string | number | boolean | Date | null;

/**
 * Flattens what exceljs returns for a cell (rich text, hyperlinks, formulas, errors) to a plain
 * value, so callers see the same shapes whatever the spreadsheet application wrote.
 */
export function plainCellValue(raw: unknown): CellValue {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  if (raw instanceof Date) return raw;
  if (typeof raw === 'object') {
    const cell = raw as Record<string, unknown>;
    if (Array.isArray(cell.richText)) {
      return cell.richText.map((part) => String((part as { text?: unknown }).text ?? '')).join('');
    }
    if ('result' in cell) return plainCellValue(cell.result);
    if ('text' in cell) return plainCellValue(cell.text);
    if ('error' in cell) return null;
  }
  return String(raw);
}

/** True for a cell that holds nothing a person would call a value. */
export function isBlank(value: CellValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

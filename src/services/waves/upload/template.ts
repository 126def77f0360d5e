/**
 * Wave templates: `{{name}}` placeholders filled from a recipient's values. Names are matched
 * without regard to case (`{{firstName}}` reads the `firstname` column, as upload headers are
 * read lower-cased); `{{firstName}}`, `{{code}}` and `{{link}}` are columns like any other.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The placeholders of a template, lower-cased, each once. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!.toLowerCase()))];
}

/** The text with every placeholder filled, or the first placeholder whose value is missing or blank. */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
): { text: string } | { missing: string } {
  let missing: string | null = null;
  const text = template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name.toLowerCase()];
    if (value === undefined || value.trim() === '') {
      missing ??= name;
      return '';
    }
    return value;
  });
  return missing === null ? { text } : { missing };
}

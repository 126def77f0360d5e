import { isInputObjectType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputType } from 'graphql';

/** Argument and field names whose values are never kept: keys, tokens, secrets, passwords. */
const SECRET_NAME = /(key|token|secret|passw(or)?d|passphrase|credential|authorization|signature)s?$/i;
export const REDACTED = '[redacted]';
/**
 * The extension that marks an argument naming a person (a personal-data request's e-mail or
 * phone): the audit log keeps that it was given, never its value.
 */
export const PERSONAL_DATA = { personalData: true } as const;
/** Every API key starts so (auth/apiKeys.ts): one is redacted wherever it appears. */
const API_KEY_PREFIX = 'chk_';
const MAX_TEXT_CHARS = 500;
const MAX_LIST_ITEMS = 50;
const MAX_DEPTH = 8;

/** An uploaded file as the audit log keeps it: its name (once the upload was read), never its contents. */
export interface UploadNote {
  file: string | null;
}

function text(value: string): string {
  if (value.startsWith(API_KEY_PREFIX)) return REDACTED;
  return value.length <= MAX_TEXT_CHARS ? value : `${value.slice(0, MAX_TEXT_CHARS)}… (${value.length} characters)`;
}

function list<T>(items: readonly T[], keep: (item: T) => unknown): unknown[] {
  const kept = items.slice(0, MAX_LIST_ITEMS).map(keep);
  if (items.length > MAX_LIST_ITEMS) kept.push(`… ${items.length - MAX_LIST_ITEMS} more`);
  return kept;
}

/**
 * A value of no declared shape (a JSON argument, a CLI flag) as kept: secret-named fields and
 * API keys redacted, long texts and lists cut, nesting bounded.
 */
export function auditValue(value: unknown, name = '', depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (SECRET_NAME.test(name)) return REDACTED;
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) return list(value, (item) => auditValue(item, name, depth + 1));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).slice(0, MAX_LIST_ITEMS);
    return Object.fromEntries(entries.map(([field, item]) => [field, auditValue(item, field, depth + 1)]));
  }
  return text(String(value));
}

/** An Upload argument (graphql-upload hands the resolver a promise of the file): its name once read. */
function uploadNote(upload: unknown): UploadNote {
  const note: UploadNote = { file: null };
  void Promise.resolve(upload).then(
    (file) => {
      const filename = (file as { filename?: unknown } | null)?.filename;
      if (typeof filename === 'string') note.file = text(filename);
    },
    () => undefined,
  );
  return note;
}

function keep(value: unknown, type: GraphQLInputType, name: string, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (SECRET_NAME.test(name)) return REDACTED;
  if (isNonNullType(type)) return keep(value, type.ofType, name, depth);
  if (isListType(type)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    return list(items, (item) => keep(item, type.ofType, name, depth + 1));
  }
  if (isInputObjectType(type)) {
    if (depth >= MAX_DEPTH) return '…';
    const fields = type.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([field, item]) => [
        field,
        fields[field] ? keep(item, fields[field].type, field, depth + 1) : null,
      ]),
    );
  }
  if (type.name === 'Upload') return uploadNote(value);
  // Free-form JSON may hold any field name (`$set`, `a.b`), which a stored document may not: kept as text.
  if (type.name === 'JSON' || type.name === 'JSONObject') return text(JSON.stringify(auditValue(value)) ?? 'null');
  return auditValue(value, name, depth);
}

/**
 * A mutation's arguments as the audit log keeps them, walked along their declared types: files
 * (Upload) become their name, never their contents; fields named like a key, token, secret or
 * password, and any API key, become "[redacted]"; texts over 500 characters and lists over 50
 * items are cut. Call it before the resolver runs: an upload's name is filled in as it is read.
 */
export function auditArguments(
  args: Record<string, unknown>,
  definitions: readonly GraphQLArgument[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const definition of definitions) {
    if (!(definition.name in args)) continue;
    kept[definition.name] =
      definition.extensions.personalData && args[definition.name] != null
        ? REDACTED
        : keep(args[definition.name], definition.type, definition.name, 0);
  }
  return kept;
}

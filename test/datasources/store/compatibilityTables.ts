import {
  BULK_MODEL_FIELDS,
  COLLATION_FIELDS,
  COMMON_OPTIONS,
  INDEX_DESCRIPTION_FIELDS,
  METHOD_OPTIONS,
  type OptionRule,
  type OptionTable,
} from '../../../src/datasources/store/optionSupport';
import {
  ACCUMULATORS,
  EXPRESSION_OPERATORS,
  PROJECTION_OPERATORS,
  QUERY_OPERATORS,
  REFUSED_UNDER_COLLATION,
  STAGES,
  UPDATE_OPERATORS,
  WINDOW_OPERATORS,
  type Rules,
} from '../../../src/datasources/store/embedded/operatorSupport';

/**
 * The tables of docs/store-compatibility.md, written from the same data the engine refuses from
 * and the walking tests (optionSupport.test.ts, operatorSupport.test.ts) prove.
 */

export const BEGIN =
  '<!-- BEGIN TABLES: written by test/datasources/store/compatibilityPage.test.ts; do not edit by hand -->';
export const END = '<!-- END TABLES -->';

const code = (name: string) => `\`${name}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function ruleRows(rules: Readonly<Record<string, OptionRule>>, names = Object.keys(rules)): string[][] {
  return names.map((name) => [code(name), rules[name]!.support, rules[name]!.note]);
}

const isCommon = (name: string, rule: OptionRule) => (COMMON_OPTIONS as Record<string, OptionRule>)[name] === rule;

/** Options of one table beyond the common ones, honoured first. */
function ownRows(options: OptionTable): string[][] {
  const own = Object.keys(options).filter((name) => !isCommon(name, options[name]!));
  const order = (name: string) => (options[name]!.support === 'refused' ? 1 : 0);
  return ruleRows(
    options,
    own.sort((a, b) => order(a) - order(b) || a.localeCompare(b)),
  );
}

function methodSections(): string[] {
  const groups = new Map<OptionTable, string[]>();
  for (const { method, options } of METHOD_OPTIONS) groups.set(options, [...(groups.get(options) ?? []), method]);
  return [...groups.entries()].map(([options, methods]) => {
    const rows = ownRows(options);
    const body = rows.length > 0 ? table(['Option', 'Support', 'Note'], rows) : 'Only the common options, all refused.';
    return `### ${methods.map(code).join(', ')}\n\n${body}`;
  });
}

function operations(): string {
  const rows = METHOD_OPTIONS.map(
    ({ method, inPort, options }: { method: string; inPort: boolean; options: OptionTable }) => {
      const honoured = Object.keys(options).filter((name) => options[name]!.support !== 'refused');
      return [
        code(method),
        inPort ? 'yes' : 'no (the driver has it)',
        honoured.length > 0 ? honoured.map(code).join(', ') : 'none',
      ];
    },
  );
  return table(['Operation', 'In the port', 'Options honoured'], rows);
}

function grouped(rules: Rules): string {
  const bySupport = new Map<string, string[]>();
  for (const [name, rule] of Object.entries(rules)) {
    const key = `${rule.support}\u0000${rule.note}`;
    bySupport.set(key, [...(bySupport.get(key) ?? []), name]);
  }
  const rows = [...bySupport.entries()].map(([key, names]) => {
    const [support, note] = key.split('\u0000') as [string, string];
    return [support, names.sort().map(code).join(' '), note];
  });
  return table(['Support', 'Operators', 'Note'], rows);
}

export function renderTables(): string {
  return [
    BEGIN,
    '',
    '## Operations',
    '',
    'Every operation succeeds or fails as on MongoDB; the options column lists what each honours.',
    'Every other option of the driver is refused (the tables below give the reason).',
    '',
    operations(),
    '',
    '## Options',
    '',
    '### Options every call refuses',
    '',
    'Wherever the driver takes them. They change how the driver talks to a deployment,',
    'which the embedded engine is not.',
    '',
    table(['Option', 'Support', 'Note'], ruleRows(COMMON_OPTIONS)),
    '',
    ...methodSections().flatMap((section) => [section, '']),
    '### The `collation` document',
    '',
    table(['Field', 'Support', 'Note'], ruleRows(COLLATION_FIELDS)),
    '',
    '### An index description of `createIndexes`',
    '',
    table(['Field', 'Support', 'Note'], ruleRows(INDEX_DESCRIPTION_FIELDS)),
    '',
    '### The operation models of `bulkWrite`',
    '',
    table(
      ['Model', 'Field', 'Support', 'Note'],
      Object.entries(BULK_MODEL_FIELDS).flatMap(([model, fields]) =>
        ruleRows(fields).map((row) => [code(model), ...row]),
      ),
    ),
    '',
    '## Stages',
    '',
    table(['Stage', 'Support', 'Note'], ruleRows(STAGES, Object.keys(STAGES).sort())),
    '',
    '## Query operators',
    '',
    grouped(QUERY_OPERATORS),
    '',
    '## Update operators',
    '',
    grouped(UPDATE_OPERATORS),
    '',
    '## Projection operators',
    '',
    table(['Operator', 'Support', 'Note'], ruleRows(PROJECTION_OPERATORS)),
    '',
    '## Expression operators',
    '',
    grouped(EXPRESSION_OPERATORS),
    '',
    '## Accumulators',
    '',
    grouped(ACCUMULATORS),
    '',
    '## Window operators',
    '',
    grouped(WINDOW_OPERATORS),
    '',
    '## Refused under a collation',
    '',
    'An operation with a collation refuses what would compare values without it:',
    '',
    table(
      ['Kind', 'Refused'],
      [
        ['stages', REFUSED_UNDER_COLLATION.stages.map(code).join(' ')],
        ['stage', `${code('$group')} by a computed key (a constant key is allowed)`],
        ['expression operators and accumulators', REFUSED_UNDER_COLLATION.operators.map(code).join(' ')],
        [
          'update operators',
          [
            REFUSED_UNDER_COLLATION.updateOperators.map(code).join(' '),
            `${code('$push')} with ${code('$sort')}`,
            `the positional ${code('$')}`,
            code('arrayFilters'),
          ].join(', '),
        ],
        ['projections', `${code('$elemMatch')}, the positional ${code('$')}`],
      ],
    ),
    '',
    END,
  ].join('\n');
}

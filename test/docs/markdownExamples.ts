import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** One ```graphql block of a page, with the ```json variables block that follows it, if any. */
export interface DocExample {
  /** 1-based line of the block's opening fence, for failure messages. */
  line: number;
  query: string;
  operation: OperationDefinitionNode;
  /** The variables as written (placeholders not yet filled in). */
  variables?: Record<string, unknown>;
}

interface Fence {
  language: string;
  line: number;
  body: string;
  /** Only blank lines between the end of the previous block and this one. */
  followsPrevious: boolean;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  let lastClose = -2;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((text, j) => j > i && /^```\s*$/.test(text));
    if (end < 0) throw new Error(`line ${i + 1}: code block never closed`);
    const between = lines.slice(lastClose + 1, i);
    found.push({
      language: open[1]!,
      line: i + 1,
      body: lines.slice(i + 1, end).join('\n'),
      followsPrevious: lastClose >= 0 && between.every((text) => text.trim() === ''),
    });
    lastClose = end;
    i = end;
  }
  return found;
}

/**
 * Every ```graphql block of a page, in order. Each block holds exactly one operation (so it runs
 * as pasted); a ```json block right after it gives its variables.
 */
export function extractExamples(markdown: string): DocExample[] {
  const blocks = fences(markdown);
  const examples: DocExample[] = [];
  blocks.forEach((block, index) => {
    if (block.language !== 'graphql') return;
    const operations = parse(block.body).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    if (operations.length !== 1) {
      throw new Error(`line ${block.line}: a graphql example holds one operation, found ${operations.length}`);
    }
    const next = blocks[index + 1];
    const variables = next?.language === 'json' && next.followsPrevious ? JSON.parse(next.body) : undefined;
    examples.push({ line: block.line, query: block.body, operation: operations[0]!, variables });
  });
  return examples;
}

import { splitColonPair } from '../shared/colon-pairs';
import type { RequestTransformerConfig } from './schema';
import { compileTemplate, type Template, type TemplateSources } from './template';

/** One compiled `name:value` entry. */
export interface Operation {
  readonly name: string;
  readonly lower: string;
  /** The value (or, for rename, the new name); null when the entry has none. */
  readonly value: Template | null;
}

/** The five operations over one part of the request, in Kong's order of application. */
export interface OperationLists {
  readonly remove: readonly Operation[];
  readonly rename: readonly Operation[];
  readonly replace: readonly Operation[];
  readonly add: readonly Operation[];
  readonly append: readonly Operation[];
  /** At least one list is non-empty. */
  readonly any: boolean;
}

export type Target = 'headers' | 'querystring' | 'body';

function compileList(entries: readonly string[]): Operation[] {
  const out: Operation[] = [];
  for (const entry of entries) {
    const pair = splitColonPair(entry);
    if (pair === null) continue; // refused by the schema
    const value = pair.value === null ? null : compileTemplate(pair.value);
    out.push({ name: pair.name, lower: pair.name.toLowerCase(), value });
  }
  return out;
}

/** Compiles the lists of every operation for one target. */
export function compileOperations(config: RequestTransformerConfig, target: Target): OperationLists {
  const remove = compileList(config.remove[target]);
  const rename = compileList(config.rename[target]);
  const replace = compileList(config.replace[target]);
  const add = compileList(config.add[target]);
  const append = compileList(config.append[target]);
  const any = remove.length + rename.length + replace.length + add.length + append.length > 0;
  return { remove, rename, replace, add, append, any };
}

/** Every template of the lists, for finding what the templates read. */
export function templatesOf(lists: OperationLists): Template[] {
  const out: Template[] = [];
  for (const ops of [lists.remove, lists.rename, lists.replace, lists.add, lists.append]) {
    for (const op of ops) if (op.value !== null) out.push(op.value);
  }
  return out;
}

/** The rendered value of an operation (null when the entry has no value). */
export function render(op: Operation, sources: TemplateSources): string | null {
  return op.value === null ? null : op.value.render(sources);
}

import { isNode, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { MODEL_MAX_BYTES, ModelDefinition } from '../../contract/models/definition.ts';
import { type Path, validateMigration, validateModel } from '../../contract/models/validate.ts';
import type { CompiledRules } from '../../contract/rules/evaluate.ts';

/** A problem of a definition's source, with the line and the field it is at. */
export interface SourceProblem {
  /** From 1; null when the problem is the whole file's (its size). */
  readonly line: number | null;
  /** Where in the definition, as `domains[0].items[2].scale`. */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export type Loaded =
  | { readonly ok: true; readonly model: ModelDefinition; readonly rules: CompiledRules }
  | { readonly ok: false; readonly problems: readonly SourceProblem[] };

export const fieldOf = (path: Path): string =>
  path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out === '' ? p : `${out}.${p}`), '');

/**
 * Reads a model definition from YAML or JSON (JSON is YAML) and checks it all: its syntax, the
 * format (definition.ts), what only the whole model can say (validate.ts), and its migration map
 * against the version it migrates from (`previous`). Every problem names its line and field; all
 * of them are reported at once, as far as the earlier steps allow.
 */
export function loadDefinition(source: string, options: { readonly previous?: ModelDefinition | null } = {}): Loaded {
  const bytes = Buffer.byteLength(source);
  if (bytes > MODEL_MAX_BYTES)
    return fail([
      {
        line: null,
        field: '',
        code: 'too_large',
        message: `The definition is ${bytes} bytes; at most ${MODEL_MAX_BYTES} are taken`,
      },
    ]);
  const lines = new LineCounter();
  // The parser's own check of unique keys compares each key with every other (quadratic: a
  // 512 KiB mapping of short keys would hold the process for seconds); ours is one pass.
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const errors: SourceProblem[] = doc.errors.map((e) => ({
    line: lines.linePos(e.pos[0]).line,
    field: '',
    code: 'syntax',
    message: e.message.split('\n')[0] ?? e.code,
  }));
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key))
          errors.push({
            line: isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : null,
            field: '',
            code: 'syntax',
            message: `Map keys must be unique: "${key}" appears twice`,
          });
        seen.add(key);
      }
    },
  });
  if (errors.length > 0) return fail(errors);
  const lineOf = (path: Path): number | null => {
    // The deepest node that exists along the path: a missing field is reported where it belongs.
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
  let data: unknown;
  try {
    // No aliases: a definition has no use for them, and they are how YAML bombs expand.
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    return fail([{ line: null, field: '', code: 'syntax', message: (error as Error).message }]);
  }
  const parsed = ModelDefinition.safeParse(data);
  if (!parsed.success)
    return fail(
      parsed.error.issues.map((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
        return { line: lineOf(path), field: fieldOf(path), code: 'format', message: i.message };
      }),
    );
  const { problems, rules } = validateModel(parsed.data);
  // The version it migrates from, when the registry has it (null: it has not): the map must fit both.
  if (options.previous === null && parsed.data.migration !== undefined)
    problems.push({
      path: ['migration', 'from'],
      code: 'migration_from',
      message: `Version ${parsed.data.migration.from} of ${parsed.data.key} is not in the registry`,
    });
  else if (options.previous !== undefined && options.previous !== null)
    problems.push(...validateMigration(options.previous, parsed.data));
  if (problems.length > 0 || rules === undefined)
    return fail(
      problems.map((p) => ({ line: lineOf(p.path), field: fieldOf(p.path), code: p.code, message: p.message })),
    );
  return { ok: true, model: parsed.data, rules };
}

const fail = (problems: SourceProblem[]): Loaded => ({ ok: false, problems });

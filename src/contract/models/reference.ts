import { z } from 'zod';
import { ModelDefinition } from './definition.ts';

/**
 * The format's reference, generated from the schema (definition.ts) so that it cannot drift:
 * the JSON Schema itself (models/model.schema.json, for editors that check YAML against one) and
 * its Markdown rendering (docs/models-reference.md). `npm run models:reference` writes both; a
 * test fails when either differs from what the schema gives.
 */
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly description?: string;
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly string[];
  readonly const?: string;
  readonly pattern?: string;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Schema | boolean;
  readonly propertyNames?: Schema;
  readonly $defs?: Readonly<Record<string, Schema>>;
}

export function modelJsonSchema(): Schema {
  return z.toJSONSchema(ModelDefinition, { target: 'draft-2020-12', unrepresentable: 'any' }) as Schema;
}

const KEY_PATTERN = '^[a-z][a-z0-9_]*$';

export function modelReference(): string {
  const schema = modelJsonSchema();
  const defs = schema.$defs ?? {};
  // zod names the lazy domain __schemaN, a bare reference to ModelDomain: shown as what it names.
  const resolve = (ref: string): string => {
    const name = ref.replace('#/$defs/', '');
    const target = defs[name]?.$ref;
    return name.startsWith('__') && target !== undefined ? resolve(target) : name;
  };
  const typeOf = (s: Schema): string => {
    if (s.$ref !== undefined) {
      const name = resolve(s.$ref);
      return `[${name}](#${name.toLowerCase()})`;
    }
    if (s.anyOf !== undefined) return s.anyOf.map(typeOf).join(', or ');
    if (s.const !== undefined) return `\`${s.const}\``;
    if (s.enum !== undefined) return `one of ${s.enum.map((e) => `\`${e}\``).join(', ')}`;
    const bounds = (lo?: number, hi?: number) =>
      lo === undefined && hi === undefined ? '' : ` (${lo ?? 0} to ${hi ?? 'any'})`;
    switch (s.type) {
      case 'string':
        return s.pattern === KEY_PATTERN ? 'key' : s.pattern !== undefined ? `text matching \`${s.pattern}\`` : 'text';
      case 'boolean':
        return '`true` or `false`';
      case 'integer':
      case 'number':
        return `${s.type === 'integer' ? 'whole number' : 'number'}${bounds(s.minimum, s.maximum)}`;
      case 'array':
        return `list of ${s.items === undefined ? 'values' : typeOf(s.items)}${bounds(s.minItems, s.maxItems)}`;
      case 'object':
        if (typeof s.additionalProperties === 'object')
          return `map of ${s.propertyNames === undefined ? 'text' : typeOf(s.propertyNames)} to ${typeOf(s.additionalProperties)}`;
        return `object: ${Object.keys(s.properties ?? {})
          .map((k) => `\`${k}\``)
          .join(', ')}`;
      default:
        return 'any value';
    }
  };
  const rows = (s: Schema, prefix = ''): string[] =>
    Object.entries(s.properties ?? {}).flatMap(([name, p]) => {
      const field = `${prefix}${name}`;
      const required = s.required?.includes(name) ? 'yes' : '';
      const row = `| \`${field}\` | ${typeOf(p)} | ${required} | ${(p.description ?? '').replaceAll('|', '\\|')} |`;
      // An object of its own (not a map, not a named part): its fields as field.sub.
      const inline = p.type === 'object' && p.properties !== undefined && typeof p.additionalProperties !== 'object';
      return inline ? [row, ...rows(p, `${field}.`)] : [row];
    });
  const section = (name: string, s: Schema): string[] => {
    const head = [`## ${name}`, '', ...(s.description === undefined ? [] : [s.description, ''])];
    if (s.properties !== undefined)
      return [...head, '| field | type | required | what |', '| --- | --- | --- | --- |', ...rows(s), ''];
    return [...head, typeOf(s), ''];
  };
  const names = [
    'ModelDefinition',
    ...Object.keys(defs)
      .filter((n) => n !== 'ModelDefinition' && !n.startsWith('__'))
      .sort(),
  ];
  return [
    '# Model definition reference',
    '',
    'Generated from `src/contract/models/definition.ts` by `npm run models:reference`; do not edit by hand.',
    'The JSON Schema itself is `models/model.schema.json`. What the schema cannot say (keys used once,',
    'scales that exist, rules that check) is in [models.md](models.md#checked-at-import). A key is lower',
    'case letters, digits and `_`, starting with a letter, at most 60 characters.',
    '',
    ...names.flatMap((n) => section(n, defs[n] ?? {})),
  ].join('\n');
}

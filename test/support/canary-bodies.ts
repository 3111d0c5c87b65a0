import { randomUUID } from 'node:crypto';

/**
 * The canary test's tools (test/integration/canary.test.ts): request bodies built from the JSON
 * schemas of the OpenAPI document with a distinctive value in every string field that can carry
 * one, and a search for those values in bytes of any kind (dumps, raw database files, logs).
 */
export type JsonSchema = { readonly [key: string]: unknown };
type Doc = { readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> } };

/** A string in a body: `path` as the server names it in validation errors, `label` stable across rebuilds. */
export interface StringSlot {
  readonly path: string;
  readonly label: string;
  readonly schema: JsonSchema;
}

const join = (base: string, key: string | number) => (base === '' ? String(key) : `${base}.${key}`);

function resolve(doc: Doc, schema: JsonSchema, depth = 0): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace(/^#\/components\/schemas\//, '');
  const target = doc.components?.schemas?.[name];
  if (target === undefined || depth > 20) throw new Error(`unresolvable $ref ${ref}`);
  return resolve(doc, target, depth + 1);
}

/** The branches of a union a body can take, `null` last. */
function branchesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (!Array.isArray(union)) return undefined;
  return [...union.filter((b) => b.type !== 'null'), ...union.filter((b) => b.type === 'null')];
}

function typeOf(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null') ?? 'null';
  if (typeof t === 'string') return t;
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  if (Array.isArray(schema.enum)) return typeof schema.enum[0];
  if ('const' in schema) return typeof schema.const;
  return undefined;
}

/** How many bodies it takes to visit every branch of every union once (variant i takes branch i mod n). */
export function variantsOf(doc: Doc, schema: JsonSchema, depth = 0): number {
  if (depth > 30) return 1;
  const s = resolve(doc, schema);
  const branches = branchesOf(s);
  const children: JsonSchema[] = [
    ...(branches ?? []),
    ...((s.allOf as JsonSchema[] | undefined) ?? []),
    ...Object.values((s.properties as Record<string, JsonSchema> | undefined) ?? {}),
    ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties as JsonSchema] : []),
    ...(typeof s.items === 'object' ? [s.items as JsonSchema] : []),
    ...((s.prefixItems as JsonSchema[] | undefined) ?? []),
  ];
  return Math.max(branches?.length ?? 1, ...children.map((c) => variantsOf(doc, c, depth + 1)));
}

/**
 * A body for the schema: every property (optional ones too), one entry in every free-form record,
 * at least one element in every array, branch `variant mod n` of every union; `fill` answers
 * every string (the caller puts a canary there, or a plain valid value).
 */
export function buildBody(
  doc: Doc,
  schema: JsonSchema,
  variant: number,
  fill: (slot: StringSlot) => string,
  at: { path: string; label: string } = { path: '', label: '' },
  depth = 0,
): unknown {
  if (depth > 30) throw new Error(`schema nested too deeply at ${at.path}`);
  const s = resolve(doc, schema);
  const next = (sub: JsonSchema, key: string | number, label: string | number = key) =>
    buildBody(doc, sub, variant, fill, { path: join(at.path, key), label: join(at.label, label) }, depth + 1);
  const branches = branchesOf(s);
  if (branches !== undefined) {
    const branch = branches[variant % branches.length] as JsonSchema;
    return buildBody(doc, branch, variant, fill, at, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    const parts = (s.allOf as JsonSchema[]).map((p) => buildBody(doc, p, variant, fill, at, depth + 1));
    return Object.assign({}, ...parts.filter((p) => typeof p === 'object' && p !== null));
  }
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
      for (const [key, sub] of Object.entries(properties)) out[key] = next(sub, key);
      const extra = s.additionalProperties;
      if (Object.keys(properties).length === 0 && extra !== false && extra !== undefined) {
        // A free-form record: its keys are text too.
        const keySchema = (s.propertyNames as JsonSchema | undefined) ?? { type: 'string' };
        const key = fill({ path: join(at.path, '(key)'), label: join(at.label, '(key)'), schema: keySchema });
        out[key] = next(extra === true ? {} : (extra as JsonSchema), key, '(value)');
      }
      return out;
    }
    case 'array': {
      const prefix = (s.prefixItems as JsonSchema[] | undefined) ?? [];
      const items = typeof s.items === 'object' ? (s.items as JsonSchema) : undefined;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Number.POSITIVE_INFINITY;
      const count = Math.min(max, Math.max(prefix.length, typeof s.minItems === 'number' ? s.minItems : 1));
      return Array.from({ length: count }, (_, i) => {
        const sub = prefix[i] ?? items;
        return sub === undefined ? null : next(sub, i);
      });
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : Number.NEGATIVE_INFINITY;
      const max = typeof s.maximum === 'number' ? s.maximum : Number.POSITIVE_INFINITY;
      return Math.min(max, Math.max(min, 1));
    }
    case 'boolean':
      return 'const' in s ? s.const : true;
    case 'null':
      return null;
    default:
      // A string, or a value of any type ({}): text, either way.
      return fill({ path: at.path, label: at.label, schema: s });
  }
}

/** Digits of hex in every canary: it alone identifies the canary, whatever was done to the rest. */
export const MARKER_LENGTH = 10;

/**
 * The values that could carry `marker` through this field, most readable first: each fits the
 * schema's length and pattern; the server may still refuse one (an e-mail address without a
 * `format`), and the caller then tries the next. Or why the field cannot carry one at all.
 */
export function canaryShapes(
  marker: string,
  label: string,
  schema: JsonSchema,
): { shapes: string[] } | { reason: string } {
  if (Array.isArray(schema.enum)) return { reason: `an enumeration (${schema.enum.length} fixed values)` };
  if ('const' in schema) return { reason: `a constant (${JSON.stringify(schema.const)})` };
  const slug = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const email = `canary-${marker}-${slug.toLowerCase()}@example.org`;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  let raw: string[];
  if (format === 'email' || format === 'idn-email') raw = [email];
  else if (format === 'uri' || format === 'url' || format === 'iri')
    raw = [`https://canary-${marker}.example.org/${slug}`];
  // A file part (multipart): its content and its name carry the canary (the test sends it as text).
  else if (format === 'binary') raw = [`CANARY-${marker}-${slug}`];
  else if (format !== undefined) return { reason: `format ${format}` };
  else raw = [`CANARY-${marker}-${label}`, email, `/CANARY-${marker}-${slug}`, `CANARY-${marker}-${slug}`, marker];
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  const pattern = typeof schema.pattern === 'string' ? regex(schema.pattern) : undefined;
  const fits = (v: string) => v.length >= min && v.length <= max && (pattern === undefined || pattern.test(v));
  // The length may live in the pattern alone (`{43}`): pad (before an @) or cut (after the marker) until it fits.
  const fit = (v: string): string | undefined => {
    const at = v.indexOf('@');
    const padded = (k: number) => (at < 0 ? v + 'x'.repeat(k) : v.slice(0, at) + 'x'.repeat(k) + v.slice(at));
    const tries = [v, ...Array.from({ length: 256 }, (_, k) => padded(k + 1))];
    if (at < 0) for (let n = v.length - 1; n >= v.indexOf(marker) + marker.length; n--) tries.push(v.slice(0, n));
    return tries.find(fits);
  };
  const shapes = [...new Set(raw.map(fit))].filter((v): v is string => v !== undefined);
  if (shapes.length > 0) return { shapes };
  if (max < marker.length) return { reason: `at most ${max} characters, fewer than a ${marker.length}-digit marker` };
  if (pattern !== undefined) return { reason: `pattern ${String(schema.pattern)} admits no value with a marker` };
  return { reason: 'no value of the schema can hold a marker' };
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return new RegExp(pattern);
  }
}

/**
 * A generic call's path: each parameter a valid value of its schema (a UUID where it is an id, a
 * model's key where it is a key), so that the body, not the path, is what the server checks.
 */
export const genericPath = (op: Operation): string =>
  op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const schema = op.params[name];
    return schema === undefined || schema.pattern === undefined ? randomUUID() : plainString(schema);
  });

/** A valid value without a canary, for fields that cannot carry one. */
export function plainString(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  if ('const' in schema) return String(schema.const);
  switch (schema.format) {
    case 'uuid':
    case 'guid':
      return randomUUID();
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'email':
      return 'plain@example.org';
    case 'uri':
    case 'url':
      return 'https://example.org/';
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const pattern = typeof schema.pattern === 'string' ? regex(schema.pattern) : undefined;
  if (pattern === undefined) return 'x'.repeat(min);
  for (let n = 1; n <= 64; n++) {
    for (const c of ['0', 'a', 'A', 'x']) if (pattern.test(c.repeat(n))) return c.repeat(n);
  }
  return 'x'.repeat(min);
}

/** An operation of the OpenAPI document that takes a request body. */
export interface Operation {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly policy: string;
  readonly stepUp: boolean;
  /** The path's parameters by name, each with its schema. */
  readonly params: Readonly<Record<string, JsonSchema>>;
  readonly schema: JsonSchema | undefined;
  /** multipart/form-data: the schema's `file` is the file part, sent with its content and name. */
  readonly multipart: boolean;
}

export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
      if (body === undefined) continue;
      out.push({
        key: `${method.toUpperCase()} ${p}`,
        method: method.toUpperCase(),
        path: p,
        policy: String(op['x-policy']),
        stepUp: op['x-step-up'] === true,
        params: Object.fromEntries(
          ((op.parameters ?? []) as { name: string; in: string; schema?: JsonSchema }[])
            .filter((param) => param.in === 'path')
            .map((param) => [param.name, param.schema ?? {}]),
        ),
        schema: body.content?.['application/json']?.schema ?? body.content?.['multipart/form-data']?.schema,
        multipart: body.content?.['multipart/form-data'] !== undefined,
      });
    }
  }
  return out;
}

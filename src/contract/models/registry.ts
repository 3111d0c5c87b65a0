import { z } from 'zod';
import { Key, ModelDefinition } from './definition.ts';
import { Change } from './diff.ts';

/** Semantic versions in order (1.10.0 after 1.9.0): negative when a comes first. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((x?.[i] ?? 0) !== (y?.[i] ?? 0)) return (x?.[i] ?? 0) - (y?.[i] ?? 0);
  return 0;
}

export const MODEL_STATUSES = ['draft', 'published', 'retired'] as const;
export const ModelStatus = z.enum(MODEL_STATUSES);
export type ModelStatus = z.infer<typeof ModelStatus>;

/** POST /api/models: a definition's source, YAML or JSON (docs/models.md). */
export const ImportModel = z.strictObject({ source: z.string().min(1).max(1_000_000) });

/** POST .../publish: the draft as the team lead read it (its import time); a draft imported again since is refused. */
export const PublishModel = z.strictObject({ expectedImportedAt: z.iso.datetime() });

export const ModelRef = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .max(60),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
});

/** A licensed-content placeholder still to be filled in, and where it is used. */
export const Placeholder = z.strictObject({ key: z.string(), field: z.string() });

export const ModelSummary = z.strictObject({
  key: z.string(),
  version: z.string(),
  status: ModelStatus,
  kind: z.enum(['spj', 'external']),
  title: z.strictObject({ en: z.string(), de: z.string() }),
  importedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
  retiredAt: z.iso.datetime().nullable(),
  /** Placeholders still unfilled: publishing waits for them. */
  unfilled: z.array(Placeholder),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

/**
 * GET and PUT /api/models/:key/optional-items: the optional items of the model (by item key, in
 * any of its published or retired versions) that the organisation uses. Every other optional item is off:
 * new assessments neither show nor take it (docs/models.md, Optional items).
 */
export const OptionalItems = z.strictObject({ items: z.array(Key).max(200) }).meta({ id: 'OptionalItems' });
export type OptionalItems = z.infer<typeof OptionalItems>;

/** PUT: the new set, and the set as the team lead read it (another's change since is 409 stale_version). */
export const SetOptionalItems = OptionalItems.extend({ expected: z.array(Key).max(200) }).meta({
  id: 'SetOptionalItems',
});
export type SetOptionalItems = z.infer<typeof SetOptionalItems>;

export const ModelList = z.strictObject({ models: z.array(ModelSummary) });
export type ModelList = z.infer<typeof ModelList>;

export const ModelDetail = ModelSummary.extend({ definition: ModelDefinition });
export type ModelDetail = z.infer<typeof ModelDetail>;

/** Why an import was refused (code model_invalid): every problem with its line and field. */
export const ModelProblem = z.strictObject({
  line: z.number().int().nullable(),
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export type ModelProblem = z.infer<typeof ModelProblem>;

/** GET /api/models/:key/diff?from=&to=: what changed, and whether the newer one's migration map fits the older. */
export const DiffQuery = z.strictObject({
  from: z.string().regex(/^\d+\.\d+\.\d+$/),
  to: z.string().regex(/^\d+\.\d+\.\d+$/),
});
export const ModelDiff = z.strictObject({
  changes: z.array(Change),
  /** Problems of the newer version's migration map against the older (none when it fits or has none). */
  migration: z.array(z.strictObject({ field: z.string(), code: z.string(), message: z.string() })),
});
export type ModelDiff = z.infer<typeof ModelDiff>;

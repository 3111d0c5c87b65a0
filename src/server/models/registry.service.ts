import type { Kysely } from 'kysely';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { diffModels } from '../../contract/models/diff.ts';
import {
  compareVersions,
  type ModelDetail,
  type ModelDiff,
  type ModelStatus,
  type ModelSummary,
} from '../../contract/models/registry.ts';
import { unfilledOf, validateMigration } from '../../contract/models/validate.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { RequestOrigin } from '../features/session/context.ts';
import type { Clock } from '../platform/clock.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { Database } from '../platform/db/database.ts';
import type { DB, ModelTable } from '../platform/db/schema.ts';
import { AppError, ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { fieldOf, loadDefinition, type SourceProblem } from './source.ts';

export interface ModelsContext {
  readonly database: Database;
  readonly clock: Clock;
  readonly keys: KeyRing;
}

/** Where a version's sealed definition and source belong: they open nowhere else. */
const place = (key: string, version: string, column: 'definition' | 'source'): FieldContext => ({
  table: 'models',
  column,
  rowId: `${key}@${version}`,
});

/** A stored version's definition, opened. */
export async function definitionOf(ring: KeyRing, row: ModelTable): Promise<ModelDefinition> {
  return JSON.parse(await ring.openText(row.definition_sealed, place(row.key, row.version, 'definition')));
}

/** An import refused: every problem of the definition with its line and field (docs/models.md). */
export class ModelInvalidError extends AppError {
  readonly status = 400;
  readonly code = 'model_invalid';
  override readonly extra: { readonly problems: readonly SourceProblem[] };
  constructor(problems: readonly SourceProblem[]) {
    super(
      `The definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}; each names its line and field.`,
    );
    this.extra = { problems };
  }
}

/** Publishing refused while licensed content is missing, naming each placeholder. */
class PlaceholdersUnfilledError extends AppError {
  readonly status = 409;
  readonly code = 'placeholders_unfilled';
  override readonly extra: { readonly placeholders: readonly { key: string; field: string }[] };
  constructor(placeholders: readonly { key: string; field: string }[]) {
    super(`Fill in the licensed content first: ${placeholders.map((p) => p.key).join(', ')}.`);
    this.extra = { placeholders };
  }
}

/** Drafts are the administrators' and team leads' to see; published and retired models everyone's who rates. */
export const seesDrafts = (actor: Actor) => actor.role === 'admin' || actor.role === 'team_lead';

const placeholders = (model: ModelDefinition) => unfilledOf(model).map((p) => ({ key: p.key, field: fieldOf(p.path) }));

function summaryOf(row: ModelTable, model: ModelDefinition): ModelSummary {
  const title = 'licensed' in model.title ? { en: model.key, de: model.key } : model.title;
  return {
    key: row.key,
    version: row.version,
    status: row.status,
    kind: model.kind,
    title,
    importedAt: row.imported_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
    retiredAt: row.retired_at?.toISOString() ?? null,
    unfilled: placeholders(model),
  };
}

async function rowOf(ctx: ModelsContext, key: string, version: string) {
  return ctx.database.db
    .selectFrom('models')
    .selectAll()
    .where('key', '=', key)
    .where('version', '=', version)
    .executeTakeFirst();
}

/**
 * Imports a definition as a draft (admins): checked whole, its migration map against the version it
 * migrates from, which must be in the registry. A draft of the same version is replaced; a
 * published or retired one never is.
 */
export async function importModel(
  ctx: ModelsContext,
  actor: Actor,
  source: string,
  origin: RequestOrigin,
): Promise<ModelSummary> {
  let loaded = loadDefinition(source);
  if (loaded.ok && loaded.model.migration !== undefined) {
    const from = await rowOf(ctx, loaded.model.key, loaded.model.migration.from);
    loaded = loadDefinition(source, { previous: from === undefined ? null : await definitionOf(ctx.keys, from) });
  }
  if (!loaded.ok) throw new ModelInvalidError(loaded.problems);
  const { model } = loaded;
  const now = ctx.clock.now();
  const row = await ctx.database.transaction(async (tx) => {
    const existing = await tx
      .selectFrom('models')
      .select('status')
      .where('key', '=', model.key)
      .where('version', '=', model.version)
      .forUpdate()
      .executeTakeFirst();
    if (existing !== undefined && existing.status !== 'draft')
      throw new ConflictError(
        `Version ${model.version} of ${model.key} is ${existing.status} and never changes: import it as a new version.`,
        'model_version_exists',
      );
    const system = await ctx.keys.using(tx).systemKey();
    const sealed = {
      definition_sealed: sealField(system, JSON.stringify(model), place(model.key, model.version, 'definition')),
      source_sealed: sealField(system, source, place(model.key, model.version, 'source')),
      imported_by: actor.userId,
      imported_at: now,
    };
    const stored = await tx
      .insertInto('models')
      .values({ key: model.key, version: model.version, status: 'draft', ...sealed })
      .onConflict((oc) => oc.columns(['key', 'version']).doUpdateSet(sealed))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, now, {
      action: 'model.imported',
      outcome: 'allowed',
      actorUserId: actor.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      object: { type: 'model', id: `${model.key}@${model.version}` },
      detail: { key: model.key, version: model.version, replaced: existing !== undefined },
    });
    return stored;
  });
  return summaryOf(row, model);
}

export async function listModels(ctx: ModelsContext, actor: Actor): Promise<ModelSummary[]> {
  let query = ctx.database.db.selectFrom('models').selectAll();
  if (!seesDrafts(actor)) query = query.where('status', '!=', 'draft');
  const rows = await query.execute();
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : compareVersions(a.version, b.version)));
  return Promise.all(rows.map(async (row) => summaryOf(row, await definitionOf(ctx.keys, row))));
}

export async function modelOf(ctx: ModelsContext, actor: Actor, key: string, version: string): Promise<ModelDetail> {
  const row = await rowOf(ctx, key, version);
  if (row === undefined || (row.status === 'draft' && !seesDrafts(actor))) throw new NotFoundError();
  const definition = await definitionOf(ctx.keys, row);
  return { ...summaryOf(row, definition), definition };
}

/**
 * Publishes a draft (team leads): then it never changes. Only the draft the team lead read (its
 * import time): an administrator may have replaced it since. Waits for licensed content, and for
 * the version it migrates from to be published, its map checked against it again.
 */
export async function publishModel(
  ctx: ModelsContext,
  actor: Actor,
  key: string,
  version: string,
  expectedImportedAt: string,
  origin: RequestOrigin,
) {
  return moveTo(ctx, actor, key, version, 'published', origin, async (row, tx) => {
    if (row.imported_at.toISOString() !== new Date(expectedImportedAt).toISOString())
      throw new ConflictError(
        'This draft was imported again after you opened it: read it again before publishing it.',
        'model_changed',
      );
    const ring = ctx.keys.using(tx);
    const model = await definitionOf(ring, row);
    const unfilled = placeholders(model);
    if (unfilled.length > 0) throw new PlaceholdersUnfilledError(unfilled);
    if (model.migration !== undefined) {
      const from = await tx
        .selectFrom('models')
        .selectAll()
        .where('key', '=', key)
        .where('version', '=', model.migration.from)
        .executeTakeFirst();
      if (from === undefined || from.status === 'draft')
        throw new ConflictError(
          `Publish version ${model.migration.from} first: this one migrates from it.`,
          'migration_from_draft',
        );
      const problems = validateMigration(await definitionOf(ring, from), model);
      if (problems.length > 0)
        throw new ConflictError(
          `The migration map does not fit version ${model.migration.from}: ${problems.map((p) => p.message).join('; ')}.`,
          'migration_invalid',
        );
    }
  });
}

/** Retires a published version (team leads): no new assessment starts from it; those made with it stay. */
export async function retireModel(
  ctx: ModelsContext,
  actor: Actor,
  key: string,
  version: string,
  origin: RequestOrigin,
) {
  return moveTo(ctx, actor, key, version, 'retired', origin, async () => {});
}

async function moveTo(
  ctx: ModelsContext,
  actor: Actor,
  key: string,
  version: string,
  to: Exclude<ModelStatus, 'draft'>,
  origin: RequestOrigin,
  check: (row: ModelTable, tx: Kysely<DB>) => Promise<void>,
): Promise<ModelSummary> {
  const from: ModelStatus = to === 'published' ? 'draft' : 'published';
  const now = ctx.clock.now();
  const row = await ctx.database.transaction(async (tx) => {
    const current = await tx
      .selectFrom('models')
      .selectAll()
      .where('key', '=', key)
      .where('version', '=', version)
      .forUpdate()
      .executeTakeFirst();
    if (current === undefined) throw new NotFoundError();
    if (current.status !== from)
      throw new ConflictError(
        `Version ${version} of ${key} is ${current.status}; only a ${from} version can be ${to}.`,
        `model_${current.status}`,
      );
    await check(current, tx);
    const moved = await tx
      .updateTable('models')
      .set(
        to === 'published'
          ? { status: to, published_by: actor.userId, published_at: now }
          : { status: to, retired_by: actor.userId, retired_at: now },
      )
      .where('key', '=', key)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, now, {
      action: to === 'published' ? 'model.published' : 'model.retired',
      outcome: 'allowed',
      actorUserId: actor.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      object: { type: 'model', id: `${key}@${version}` },
      detail: { key, version },
    });
    return moved;
  });
  return summaryOf(row, await definitionOf(ctx.keys, row));
}

/** What changed between two versions the caller may see, and whether the newer one's migration map fits. */
export async function diffOf(
  ctx: ModelsContext,
  actor: Actor,
  key: string,
  from: string,
  to: string,
): Promise<ModelDiff> {
  const [older, newer] = [await modelOf(ctx, actor, key, from), await modelOf(ctx, actor, key, to)];
  return {
    changes: diffModels(older.definition, newer.definition),
    migration: validateMigration(older.definition, newer.definition).map((p) => ({
      field: fieldOf(p.path),
      code: p.code,
      message: p.message,
    })),
  };
}

import type { Kysely } from 'kysely';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import type { ModelStatus } from '../../contract/models/registry.ts';
import { validateModel } from '../../contract/models/validate.ts';
import type { CompiledRules } from '../../contract/rules/evaluate.ts';
import { definitionOf } from '../models/registry.service.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';

export interface PinnedModel {
  readonly status: ModelStatus;
  readonly definition: ModelDefinition;
  readonly rules: CompiledRules;
}

/**
 * The model versions assessments are pinned to, opened and their rules compiled once per process:
 * a version that is no longer a draft never changes (the registry's trigger), so only its status
 * is read again each time. Drafts are never kept: an administrator may replace one.
 */
export class PinnedModels {
  readonly #kept = new Map<string, { definition: ModelDefinition; rules: CompiledRules }>();

  async get(db: Kysely<DB>, ring: KeyRing, key: string, version: string): Promise<PinnedModel | undefined> {
    const row = await db
      .selectFrom('models')
      .selectAll()
      .where('key', '=', key)
      .where('version', '=', version)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const id = `${key}@${version}`;
    const kept = this.#kept.get(id);
    if (kept !== undefined && row.status !== 'draft') return { status: row.status, ...kept };
    const definition = await definitionOf(ring, row);
    const { rules } = validateModel(definition);
    // The registry stores only definitions whose rules compile; one that does not is not ours.
    if (rules === undefined) throw new Error(`model ${id} does not compile`);
    if (row.status !== 'draft') this.#kept.set(id, { definition, rules });
    return { status: row.status, definition, rules };
  }

  /** A version's status alone, its definition left sealed: what starting asks before opening anything. */
  async statusOf(db: Kysely<DB>, key: string, version: string): Promise<ModelStatus | undefined> {
    const row = await db
      .selectFrom('models')
      .select('status')
      .where('key', '=', key)
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.status;
  }

  /**
   * The definition and rules of a version an assessment is pinned to: without a query once kept,
   * since a version is pinned only once published and never changes after (its status, which
   * may, is asked only when an assessment starts: get).
   */
  async pinned(db: Kysely<DB>, ring: KeyRing, key: string, version: string) {
    return this.#kept.get(`${key}@${version}`) ?? (await this.get(db, ring, key, version));
  }
}

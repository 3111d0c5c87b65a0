import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AssessmentContent } from '../src/contract/assessments.ts';
import type { ModelDefinition } from '../src/contract/models/definition.ts';
import { itemsOf } from '../src/contract/models/validate.ts';
import type { Actor } from '../src/server/access/actor.ts';
import { priorityOf } from '../src/server/assessments/priority.ts';
import { specialItems } from '../src/server/assessments/ratings.ts';
import { sealContent, sealFinals } from '../src/server/assessments/store.ts';
import { definitionOf, importModel, publishModel } from '../src/server/models/registry.service.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { KeyRing } from '../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../src/server/platform/crypto/local-key-provider.ts';
import { openPostgres } from '../src/server/platform/db/database.ts';
import { DAY, pick, random, sentence } from './cases-seed.ts';

/**
 * The assessments generator (issue 13), run after bench/cases-seed.ts on the same database: the
 * open default model (models/tma-warning-behaviour-screen.yaml) imported and published through the
 * registry's own service, then, for each measured case of the bench user's, `perCase` finalised
 * single assessments on it, a few weeks apart over the last years, and `incidents` incidents with
 * warning behaviours between them. Rows are what the services write (assessments.service.ts and
 * drafts.service.ts): content and special categories sealed with the case's data key at their
 * places (the real KeyRing on the server's master key file), the judgments' values sealed apart,
 * the priority and review date in the clear. The incidents are the timeline rows the list reads
 * (kind, moment, tags) without versions: the list never opens an entry's text.
 */
export interface AssessmentsSeedOptions {
  readonly url: string;
  readonly secretsDir: string;
  readonly candidates: readonly string[];
  readonly measured: number;
  readonly perCase: number;
  readonly incidents: number;
  readonly benchUserId: string;
}

export interface AssessmentsSeeded {
  readonly measuredCaseIds: string[];
  readonly assessments: number;
  readonly seconds: number;
}

const TAGS = ['pathway', 'fixation', 'identification', 'leakage', 'energy_burst', 'last_resort', 'direct_threat'];

/** A finalised screen: every item rated, judgments with rationales, a formulation and a scenario. */
function contentOf(model: ModelDefinition): AssessmentContent {
  const ratings: AssessmentContent['ratings'] = {};
  for (const { item } of itemsOf(model.domains)) {
    if (item.kind === 'stage') ratings[item.key] = { value: pick(['none', 'grievance', 'ideation', 'planning']) };
    else if (item.kind === 'risk' || item.kind === 'protective' || item.kind === 'context')
      ratings[item.key] = {
        presence: pick(['absent', 'absent', 'present', 'unknown']),
        ...(item.relevance === undefined ? {} : { relevance: pick(['low', 'moderate', 'high']) }),
        note: sentence(6),
      };
  }
  return {
    ratings,
    formulation: sentence(60),
    scenarios: [
      {
        type: 'targeted_violence',
        description: sentence(20),
        victim: 'the shift lead',
        triggers: sentence(8),
        severity: 'serious',
        imminence: 'weeks_months',
        likelihood: 'moderate',
        management: sentence(12),
      },
    ],
    judgments: {
      priority: { value: pick(['low', 'moderate', 'high', 'acute']), rationale: sentence(15), dissents: [] },
      imminence: { value: pick(['none_apparent', 'weeks_months', 'days']), rationale: sentence(10), dissents: [] },
      severity: { value: pick(['low', 'serious', 'life_threatening']), rationale: sentence(10), dissents: [] },
    },
    overrides: {},
  };
}

export async function seedAssessments(o: AssessmentsSeedOptions): Promise<AssessmentsSeeded> {
  const t0 = performance.now();
  const database = await openPostgres({ url: o.url, poolMax: 2, statementTimeoutMs: 600_000, onPoolError: () => {} });
  const db = database.db;
  try {
    const keys = new KeyRing(LocalKeyProvider.open(o.secretsDir, { create: false }), db);
    const ctx = { database, clock: systemClock, keys };
    const actor = { userId: o.benchUserId, role: 'team_lead' } as Actor;
    const origin = { ip: '127.0.0.1', userAgent: 'bench' };
    const source = readFileSync(new URL('../models/tma-warning-behaviour-screen.yaml', import.meta.url), 'utf8');
    const draft = await importModel(ctx, actor, source, origin);
    await publishModel(ctx, actor, draft.key, draft.version, draft.importedAt, origin);
    const row = await db.selectFrom('models').selectAll().where('key', '=', draft.key).executeTakeFirstOrThrow();
    const screen = await definitionOf(keys, row);
    const special = specialItems(screen);
    const measuredCaseIds = o.candidates.slice(0, o.measured);
    const now = Date.now();
    let assessments = 0;
    for (const caseId of measuredCaseIds) {
      const key = await keys.keyFor('case', caseId, db);
      const span = o.perCase * 21 * DAY;
      for (let i = 0; i < o.perCase; i++) {
        const id = randomUUID();
        const at = new Date(now - span + i * 21 * DAY + Math.floor(random() * DAY));
        const content = contentOf(screen);
        const values = Object.fromEntries(Object.entries(content.judgments).map(([k, j]) => [k, j.value])) as Record<
          string,
          string | null
        >;
        await db
          .insertInto('assessments')
          .values({
            id,
            case_id: caseId,
            model_key: screen.key,
            model_version: screen.version,
            kind: 'single',
            status: 'draft',
            rater_id: o.benchUserId,
            version: 2,
            ...sealContent(key, id, 2, content, special),
            previous_sealed: null,
            previous_special_sealed: null,
            judgments_sealed: null,
            priority: null,
            review_due: null,
            reassess_on_incident: false,
            from_id: null,
            basis: [],
            started_at: new Date(at.getTime() - DAY),
            updated_at: at,
            finalised_at: null,
          })
          .execute();
        // Finalised as the service does it: a trigger lets an assessment in only as a draft.
        await db
          .updateTable('assessments')
          .set({
            status: 'final',
            judgments_sealed: sealFinals(key, id, { judgments: values, result: null }),
            priority: priorityOf(screen, values.priority ?? null),
            review_due: new Date(at.getTime() + 30 * DAY).toISOString().slice(0, 10),
            reassess_on_incident: true,
            finalised_at: at,
          })
          .where('id', '=', id)
          .execute();
        assessments++;
      }
      const entries = Array.from({ length: o.incidents }, (_, i) => {
        const at = new Date(now - span + Math.floor(((i + random()) * span) / o.incidents));
        return {
          id: randomUUID(),
          case_id: caseId,
          kind: 'incident' as const,
          occurred_at: at,
          precision: 'minute' as const,
          tags: [pick(TAGS), pick(TAGS)].filter((t, j, all) => all.indexOf(t) === j),
          person_ids: [],
          document_ids: [],
          author_id: o.benchUserId,
          subject_id: null,
          detail: null,
          recorded_at: at,
          written: true,
        };
      });
      if (entries.length > 0) await db.insertInto('timeline_entries').values(entries).execute();
    }
    return { measuredCaseIds, assessments, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await database.close();
  }
}

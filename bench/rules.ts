import { readFileSync } from 'node:fs';
import type { Item } from '../src/contract/models/definition.ts';
import { itemsOf } from '../src/contract/models/validate.ts';
import { WARNING_BEHAVIOURS } from '../src/contract/reports.ts';
import { evaluateRules, type Ratings, type RuleOutcome } from '../src/contract/rules/evaluate.ts';
import { loadDefinition } from '../src/server/models/source.ts';
import { median } from './support.ts';

/**
 * The rules of the shipped default model (models/tma-warning-behaviour-screen.yaml) on complete
 * assessments (issue 12): every indicator and rule evaluated by the engine (src/contract/rules),
 * as the server does on every save, one assessment at a time, each evaluation timed. Against a
 * floor in the same run: the same outcome computed by a plain function written for this model
 * alone (what the engine would be if each model were hand-coded), checked equal on every
 * assessment. Target: the engine's median under 1 ms per assessment.
 */
const ASSESSMENTS = 512;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const TARGET_MS = 1;

const path = new URL('../models/tma-warning-behaviour-screen.yaml', import.meta.url);
const loaded = loadDefinition(readFileSync(path, 'utf8'));
if (!loaded.ok) throw new Error(`the default model does not load: ${JSON.stringify(loaded.problems)}`);
const items = itemsOf(loaded.model.domains).map(({ item }) => item);

/** A complete assessment: every item rated, a quarter of the factors present. */
function assessment(seed: number): Ratings {
  let x = seed * 2654435761;
  const pick = <T>(values: readonly T[]): T => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return values[x % values.length] as T;
  };
  const rate = (item: Item) =>
    item.kind === 'stage'
      ? { '': pick(['none', 'grievance', 'ideation', 'planning', 'preparation', 'breach', 'unknown']) }
      : {
          presence: pick(['absent', 'absent', 'present', 'unknown']),
          relevance: pick(['low', 'moderate', 'high', 'unknown']),
          observed: '2026-11-01',
        };
  return Object.fromEntries(items.map((item) => [item.key, rate(item)]));
}
const assessments = Array.from({ length: ASSESSMENTS }, (_, i) => assessment(i + 1));

const A = WARNING_BEHAVIOURS;
const B = items.filter((i) => loaded.model.domains[1]?.items?.includes(i)).map((i) => i.key);

/** The default model's indicators and rules, by hand. */
function floor(r: Ratings): RuleOutcome {
  const present = (k: string) => r[k]?.presence === 'present';
  const inA = A.filter(present).length;
  const critical = present('pathway') || present('energy_burst') || present('last_resort') || present('weapon_access');
  const fired: string[] = [];
  const required: string[] = [];
  const flags: string[] = [];
  const reviews: string[] = [];
  if (inA > 0) {
    fired.push('active_management');
    flags.push('consider_active_management');
    required.push('formulation', 'scenarios');
  }
  if (present('pathway') || present('last_resort') || present('energy_burst')) {
    fired.push('imminence');
    flags.push('review_imminence_now');
    reviews.push('review_imminence_now');
  }
  for (const k of A)
    if (present(k)) {
      fired.push(`evidence_${k}`);
      required.push(`${k}.evidence`, `${k}.observed`);
    }
  return {
    fired,
    flags,
    required,
    reviews,
    indicators: {
      present_in_a: inA,
      present_in_b: B.filter(present).length,
      critical_present: critical,
      assessed_in_a: A.filter((k) => r[k]?.presence !== undefined && r[k]?.presence !== null).length,
      // Every item that applies is rated in these complete assessments; none has one before it.
      completeness: 100,
      change: null,
    },
  };
}

const engine = (r: Ratings) => evaluateRules(loaded.rules, r);
for (const r of assessments)
  if (JSON.stringify(engine(r)) !== JSON.stringify(floor(r))) throw new Error('the floor and the engine disagree');

/** Evaluations per second over `seconds`. */
function measure(run: (r: Ratings) => RuleOutcome): number {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    for (const r of assessments) if (run(r).fired === undefined) throw new Error('no outcome');
    n += assessments.length;
  }
  return n / seconds;
}

measure(engine);
measure(floor);
const results: { engine: number; floor: number }[] = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    const e = measure(engine);
    results.push({ engine: e, floor: measure(floor) });
  } else {
    const f = measure(floor);
    results.push({ floor: f, engine: measure(engine) });
  }
}
// Each evaluation timed on its own, apart from the rounds (the clock's reads would slow them).
const times: number[] = [];
for (let pass = 0; pass < 20; pass++)
  for (const r of assessments) {
    const start = performance.now();
    engine(r);
    times.push(performance.now() - start);
  }
times.sort((a, b) => a - b);
const ms = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
const perSecond = median(results.map((r) => r.engine));
process.stdout.write(
  [
    `rules of ${loaded.model.key} ${loaded.model.version}: ${loaded.rules.rules.length} rules, ${loaded.rules.indicators.size} indicators, ${items.length} items; ${ASSESSMENTS} complete assessments; ${rounds} rounds of ${seconds} s, Node ${process.versions.node}`,
    `engine   ${perSecond.toFixed(0).padStart(9)} assessments/s   median ${ms(0.5).toFixed(4)} ms   p99 ${ms(0.99).toFixed(4)} ms`,
    `floor    ${median(results.map((r) => r.floor))
      .toFixed(0)
      .padStart(9)} assessments/s   (the same outcome, hand-coded)`,
    `per-round ratios engine / floor: ${results.map((r) => (r.engine / r.floor).toFixed(2)).join(' ')}`,
    `median per assessment ${ms(0.5).toFixed(4)} ms (target < ${TARGET_MS} ms: ${ms(0.5) < TARGET_MS ? 'met' : 'NOT met'})`,
    '',
  ].join('\n'),
);
if (!(ms(0.5) < TARGET_MS)) process.exitCode = 1;

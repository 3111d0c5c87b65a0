import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { AssessmentContentInput, AssessmentDetail } from '../../src/contract/assessments.ts';
import { tokenHash } from '../../src/server/access/sessions/tokens.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { publishedModel, screenSource, switchOnOptionalItems } from '../support/models.ts';
import { missingTool } from '../support/tools.ts';

const SCREEN = { key: 'tma_warning_behaviour_screen', version: '1.0.0' };
const POPPLER = 'apt-get install poppler-utils';
const noPdftotext = missingTool('pdftotext', POPPLER);
const noPdffonts = missingTool('pdffonts', POPPLER);

/** The names that must never leave without the identities: a person's real name, with German letters. */
const CONCERN = 'Jürgen Großmann';
const TARGET = 'Petra Zielke';
const FORMULATION = 'Kränkung nach der Versetzung – „Drohung“ ≥ 2 Vorfälle';
const DISSENT = 'Kein Waffenzugang; „hoch“ genügt.';
const HEALTH_NOTE = 'Diagnose durch den Betriebsarzt';

/** The text of a PDF as pdftotext (poppler-utils) reads it, its whitespace made single spaces. */
function textOf(pdf: Buffer): string {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 16 * 1024 * 1024 });
  return text.toString('utf8').replace(/\s+/g, ' ');
}

/**
 * The PDF export of one finalised assessment (docs/assessments.md, "Export"): the model with its
 * version and citation, every section in the chosen language with German text intact, pseudonyms
 * unless a member whose scope holds the identities asks for the names; a step-up, a finalised
 * assessment and the assessments section are required; the export is recorded without a name.
 */
for (const engine of engines()) {
  describe(`assessment export on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let leadId: string;
    let leadEmail: string;
    let rater: Browser;
    let narrow: Browser;
    let narrowId: string;
    let expert: Browser;
    let caseId: string;
    let reference: string;
    let consensusId: string;
    let leadDraftId: string;
    let raterDraftId: string;

    const base = () => `/api/cases/${caseId}/assessments`;
    const exported = (browser: Browser, id: string, query = '') =>
      call(t, browser, 'GET', `${base()}/${id}/export${query}`);
    async function started(browser: Browser, body: object): Promise<AssessmentDetail> {
      const res = await call(t, browser, 'POST', base(), body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    }
    async function finalised(browser: Browser, a: AssessmentDetail, content: AssessmentContentInput) {
      const saved = await call(t, browser, 'PUT', `${base()}/${a.id}`, { expectedVersion: a.version, ...content });
      assert.equal(saved.statusCode, 200, saved.body);
      const res = await call(t, browser, 'POST', `${base()}/${a.id}/finalise`, {
        expectedVersion: saved.json().version,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as AssessmentDetail;
    }

    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      const teamLead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await stepUp(t, teamLead);
      await publishedModel(t, admin, teamLead, screenSource);
      // Only one of the screen's optional items in use: the others are not part of the export.
      await switchOnOptionalItems(t, teamLead, 'tma_warning_behaviour_screen', ['mental_disorder']);
      const l = await createAccount(t, 'threat_manager', { displayName: 'Lea Leitner' });
      leadId = l.id;
      leadEmail = l.email;
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const opened = await openCase(t, lead);
      caseId = opened.id;
      reference = opened.reference;
      for (const [role, name] of [
        ['person_of_concern', CONCERN],
        ['target', TARGET],
      ] as const) {
        const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, { role, identity: { name } });
        assert.equal(res.statusCode, 201, res.body);
      }
      const r = await createAccount(t, 'threat_manager', { displayName: 'Rüdiger Zweitbewerter' });
      rater = await signIn(t, r.email);
      await stepUp(t, rater);
      await grant(t, lead, caseId, { userId: r.id, role: 'member', fullScope: true });
      const n = await createAccount(t, 'threat_manager');
      narrowId = n.id;
      narrow = await signIn(t, n.email);
      await stepUp(t, narrow);
      await grant(t, lead, caseId, {
        userId: n.id,
        role: 'member',
        fullScope: false,
        sections: ['assessments', 'persons'],
      });
      const e = await createAccount(t, 'expert');
      expert = await signIn(t, e.email);
      await stepUp(t, expert);
      await grant(t, lead, caseId, { userId: e.id, role: 'expert', fullScope: false, sections: ['timeline'] });
      const incident = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'incident',
        occurredOn: '2026-03-02',
        title: 'Fragte, wo die Schichtleiterin parkt',
        tags: ['pathway'],
      });
      assert.equal(incident.statusCode, 201, incident.body);

      // Two independent ratings, then the consensus with one dissent: what the export shows.
      const content: AssessmentContentInput = {
        ratings: {
          pathway: {
            presence: 'present',
            relevance: 'high',
            observed: '2026-03-02',
            evidence: { entries: [incident.json().id] },
            note: 'Fragte nach dem Parkplatz der Schichtleiterin',
          },
          energy_burst: { presence: 'absent' },
          last_resort: { presence: 'absent' },
          weapon_access: { presence: 'absent' },
          pathway_stage: { value: 'planning' },
          mental_disorder: { presence: 'present', note: HEALTH_NOTE },
        },
        formulation: FORMULATION,
        scenarios: [
          {
            type: 'targeted_violence',
            description: 'Übergriff auf die Schichtleitung',
            victim: 'Person B (Schichtleitung)',
            triggers: 'Abmahnung',
            severity: 'serious',
            imminence: 'weeks_months',
            likelihood: 'moderate',
            management: 'Gespräch mit dem Betriebsrat; Hausverbot prüfen',
          },
        ],
        judgments: {
          priority: { value: 'acute', rationale: 'Recherche zum Parkplatz – ernst zu nehmen' },
          imminence: { value: 'weeks_months', rationale: 'Keine Vorbereitung erkennbar.' },
          severity: { value: 'serious', rationale: 'Drohungen gegen eine Kollegin.' },
        },
        overrides: { review_imminence_now: 'Die Nähe wurde am selben Tag geprüft.' },
      };
      const a = await finalised(lead, await started(lead, { model: SCREEN, kind: 'rater' }), content);
      const b = await finalised(rater, await started(rater, { model: SCREEN, kind: 'rater' }), content);
      const consensus = await started(lead, { model: SCREEN, kind: 'consensus', basis: [a.id, b.id] });
      const done = await finalised(lead, consensus, {
        ...content,
        judgments: {
          ...content.judgments,
          priority: {
            value: 'acute',
            rationale: 'Recherche zum Parkplatz – ernst zu nehmen',
            dissents: [{ rater: r.id, value: 'high', reason: DISSENT }],
          },
        },
      });
      consensusId = done.id;
      leadDraftId = (await started(lead, { model: SCREEN, kind: 'single' })).id;
      raterDraftId = (await started(rater, { model: SCREEN, kind: 'single' })).id;
    });
    after(() => t.close());

    test('the PDF in German: an attachment that is never cached, named without a person', async () => {
      const res = await exported(lead, consensusId, '?language=de');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(
        String(res.headers['content-disposition']),
        new RegExp(`^attachment; filename="assessment-${reference}-\\d{4}-\\d{2}-\\d{2}\\.pdf"$`),
      );
      const pdf = res.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.equal(Number(res.headers['content-length']), pdf.length);
      assert.ok(pdf.includes('/Lang (de)'), 'the document says its language');
    });

    test('German text and symbols, every section, the model with its version and citation; pseudonyms only', {
      skip: noPdftotext,
    }, async () => {
      const text = textOf((await exported(lead, consensusId, '?language=de')).rawPayload);
      for (const expected of [
        `Einschätzung ${reference}`,
        'TMA-Screening auf Warnverhalten',
        'Version: 1.0.0',
        'Herausgeber: The TMA project',
        'Meloy, Hoffmann, Guldimann and James (2012)',
        '30:256–279',
        'Lizenz: Open model of the TMA project',
        'Art: Konsens',
        'Bewertet von: Lea Leitner',
        'Führt zusammen: 2 unabhängige Bewertungen',
        // Ratings, by domain, in the model's German words.
        'Bewertungen',
        'A. Warnverhalten',
        'Weg zur Tat (kritisch)',
        'Vorliegen: Vorhanden',
        'Bedeutung: Hoch',
        'Zuletzt beobachtet am: 02.03.2026',
        'Belege: 1 Verknüpfung',
        'Notiz: Fragte nach dem Parkplatz der Schichtleiterin',
        'Am weitesten erreichte Stufe',
        'Wert: Recherche und Planung',
        'Gescheiterte berufliche Ziele Nicht bewertet',
        'Psychische Erkrankung',
        `Notiz: ${HEALTH_NOTE}`,
        'Kennzahlen',
        'Vorhandene Warnverhalten: 1',
        'Hinweise der Regeln',
        'Kritisch: Weg zur Tat, letzter Ausweg oder ein Aktivitätsschub liegt vor – die zeitliche Nähe jetzt prüfen.',
        'Widerspruch: Die Nähe wurde am selben Tag geprüft.',
        'Fallformulierung',
        FORMULATION,
        'Szenarien',
        '1. Gezielte Gewalt',
        'Was geschehen könnte: Übergriff auf die Schichtleitung',
        'Mögliches Opfer: Person B (Schichtleitung)',
        'Auslöser: Abmahnung',
        'Schwere: Ernst',
        'Zeitliche Nähe: Wochen bis Monate',
        'Wahrscheinlichkeit: Mittel',
        'Idee für das Fallmanagement: Gespräch mit dem Betriebsrat; Hausverbot prüfen',
        'Gesamturteile',
        'Wert: 4 Akut – sofort handeln',
        'Begründung: Recherche zum Parkplatz – ernst zu nehmen',
        `Abweichende Meinung: Rüdiger Zweitbewerter – 3 Hoch – aktives Fallmanagement: ${DISSENT}`,
        'Personen des Falls',
        'Personen werden nur mit Pseudonym genannt.',
        'Person A – Gefährdende Person',
        'Person B – Mögliches Ziel',
        'Vertraulich – Bedrohungsmanagement',
        'Seite 1 von',
      ])
        assert.ok(text.includes(expected), `"${expected}" in the PDF:\n${text}`);
      for (const name of [CONCERN, 'Großmann', TARGET, 'Zielke'])
        assert.ok(!text.includes(name), `${name} is not in a pseudonymised PDF`);
      for (const unused of ['Scheitern einer Paarbeziehung', 'Rahmung durch eine Ideologie'])
        assert.ok(!text.includes(unused), `${unused}, an optional item not in use, is not in the PDF`);
      const pages = Number(text.match(/Seite 1 von (\d+)/)?.[1]);
      assert.ok(pages >= 2);
      assert.ok(text.includes(`Seite ${pages} von ${pages}`), 'a footer on every page');
    });

    test('the fonts are DejaVu Sans, embedded; never a standard font', { skip: noPdffonts }, async () => {
      const pdf = (await exported(lead, consensusId, '?language=de')).rawPayload;
      const fonts = execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8');
      assert.match(fonts, /DejaVuSans\s/);
      assert.match(fonts, /DejaVuSans-Bold\s/);
      assert.doesNotMatch(fonts, /Helvetica|Times|Courier/);
      for (const line of fonts.split('\n').filter((l) => l.includes('DejaVu')))
        assert.match(line, /\byes\s+yes\s+yes\b/, `embedded, as a subset, with a Unicode map: ${line}`);
    });

    test('in English with the identities: the real names, for a member whose scope holds them', {
      skip: noPdftotext,
    }, async () => {
      const res = await exported(lead, consensusId, '?language=en&identities=true');
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!String(res.headers['content-disposition']).includes('Gro'), 'no name in the file name');
      const text = textOf(res.rawPayload);
      for (const expected of [
        `Assessment ${reference}`,
        'TMA Warning-Behaviour Screen',
        'Version: 1.0.0',
        'Citation: Warning behaviours after published research',
        'Kind: Consensus',
        'A. Warning behaviours',
        'Presence: Present',
        'Persons of the case',
        `Person A – Person of concern: ${CONCERN}`,
        `Person B – Potential target: ${TARGET}`,
        'Final judgments',
        'Value: 4 Acute – immediate action',
        FORMULATION,
        'Confidential – threat management',
        'Page 1 of',
      ])
        assert.ok(text.includes(expected), `"${expected}" in the PDF:\n${text}`);
    });

    test('a member whose scope lacks the identities is refused the names (and the refusal is recorded)', async () => {
      const refused = await exported(narrow, consensusId, '?identities=true');
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().code, 'identities_out_of_scope');
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'case.denied')
        .where('actor_user_id', '=', narrowId)
        .execute();
      assert.deepEqual(
        denied.map((d) => d.detail),
        [{ access: 'read' }],
      );
      assert.equal((await exported(narrow, consensusId, '?language=de')).statusCode, 200);
    });

    test('without the identities and the special categories: pseudonyms, and the special items withheld', {
      skip: noPdftotext,
    }, async () => {
      const text = textOf((await exported(narrow, consensusId, '?language=de')).rawPayload);
      assert.ok(text.includes('Person A – Gefährdende Person'), text);
      assert.ok(text.includes('1 Merkmal einer besonderen Kategorie von Daten wird nicht gezeigt'), text);
      for (const hidden of [CONCERN, TARGET, 'Psychische Erkrankung', HEALTH_NOTE])
        assert.ok(!text.includes(hidden), `${hidden} is not in the narrow member's PDF`);
    });

    test('refused: without a fresh step-up, a draft, another rater’s draft, a caller without the assessments section, bad input', async () => {
      // The lead again, in a second session whose password was confirmed longer ago than a step-up counts.
      const unstepped = await signIn(t, leadEmail);
      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(Date.now() - 3600_000) })
        .where('token_hash', '=', tokenHash(unstepped.cookie ?? ''))
        .execute();
      const stale = await exported(unstepped, consensusId);
      assert.equal(stale.statusCode, 401, stale.body);
      assert.equal(stale.json().code, 'step_up_required');
      const draft = await exported(lead, leadDraftId);
      assert.equal(draft.statusCode, 409, draft.body);
      assert.equal(draft.json().code, 'assessment_not_final');
      assert.equal((await exported(lead, raterDraftId)).statusCode, 404);
      assert.equal((await exported(expert, consensusId)).statusCode, 404);
      for (const query of ['?language=fr', '?identities=yes', '?format=docx'])
        assert.equal((await exported(lead, consensusId, query)).json().code, 'validation_failed', query);
    });

    test('each export is recorded, with codes only: no name, no text', async () => {
      for (const [browser, query] of [
        [lead, '?language=en&identities=true'],
        [narrow, '?language=de'],
      ] as const)
        assert.equal((await exported(browser, consensusId, query)).statusCode, 200);
      const events = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'assessment.exported')
        .where('object_id', '=', consensusId)
        .orderBy('id')
        .execute();
      for (const e of events) {
        assert.equal(e.case_id, caseId);
        assert.equal(e.object_type, 'assessment');
        assert.equal(e.outcome, 'allowed');
        const json = JSON.stringify(e);
        for (const word of ['Großmann', 'Gro\\u00dfmann', 'Zielke', 'Kränkung', 'Leitner', 'Schicht'])
          assert.ok(!json.includes(word), `${word} in ${json}`);
      }
      const byLead = events.filter((e) => e.actor_user_id === leadId).map((e) => e.detail);
      assert.deepEqual(byLead.at(-1), { identities: true, language: 'en', via: 'member' });
      const byNarrow = events.filter((e) => e.actor_user_id === narrowId).map((e) => e.detail);
      assert.deepEqual(byNarrow.at(-1), { identities: false, language: 'de', via: 'member' });
      assert.ok(
        byNarrow.every((d) => d.identities === false),
        'never with names for the narrow member',
      );
      // The names that left in a PDF are reveals on the persons' own trails, by the lead alone.
      const revealed = await t.database.db
        .selectFrom('audit_events')
        .select(['object_id', 'actor_user_id'])
        .where('action', '=', 'person.revealed')
        .where('case_id', '=', caseId)
        .execute();
      assert.equal(new Set(revealed.map((r) => r.object_id)).size, 2);
      assert.ok(revealed.every((r) => r.actor_user_id === leadId));
    });
  });
}

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSync } from 'otplib';
import { writeCheckpoint } from '../../src/server/audit/chainer.ts';
import { settingsRepository } from '../../src/server/features/settings/settings.repository.ts';
import { type Browser, call, ORIGIN, PASSWORD, sessionCookie } from '../support/accounts.ts';
import { chainEverything } from '../support/audit.ts';
import { openCanaryApp, whoPasses } from '../support/canary-app.ts';
import {
  buildBody,
  canaryShapes,
  genericPath,
  type Operation,
  operationsOf,
  plainString,
  variantsOf,
} from '../support/canary-bodies.ts';
import {
  account,
  asForm,
  type Body,
  type Prepared,
  SCENARIOS,
  startTotp,
  type World,
} from '../support/canary-scenarios.ts';
import {
  filesUnder,
  type Report,
  readBytes,
  relationsOf,
  scanDataDir,
  scanPgDump,
  scanTables,
} from '../support/canary-search.ts';
import { asOwner, engines } from '../support/db.ts';
import { postForm } from '../support/documents.ts';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.ts';
import { missingTool } from '../support/tools.ts';

/**
 * The canary test: a distinctive value goes through every string field of every request body of
 * the OpenAPI document, and none may then be found in the clear: not in the database (every table
 * row; pg_dump on PostgreSQL; the raw files of the embedded engine's data directory, WAL included),
 * the secrets and audit directories, the log (at trace level), or files of the temp directory.
 *
 * The operations and their fields come from the document (test/support/canary-bodies.ts builds the
 * bodies from its JSON schemas, one per branch of every union), so a new endpoint is covered
 * without touching this file: it is called as someone its policy admits (asked of the app's own
 * policy functions), stepped up where it says x-step-up. A field that cannot carry a canary (an
 * enumeration, a constant, a format such as uuid, a pattern no marker fits) is listed with the
 * schema's reason. The test fails when an operation was not sent, or when a field that can carry
 * a canary never got past validation: then the body needs a scenario below. SCENARIOS make calls
 * succeed (real tokens, codes, signatures) while the other fields keep their canaries. A control
 * canary planted in every sink proves each search looks in the right place.
 *
 * The scenarios that make calls succeed are in test/support/canary-scenarios.ts.
 */

/** Operations the generic body cannot exercise, with why. Naming one that no longer exists fails. */
const CANNOT_EXERCISE: Readonly<Record<string, string>> = {};

/** Someone the operation's policy (the app's own policy function) lets in: anonymous, a role, or a session whose code is due. */
async function actorFor(w: World, policy: string, stepped: boolean): Promise<{ label: string; browser?: Browser }> {
  const who = await whoPasses(policy);
  if (who === undefined) throw new Error(`no actor of the canary test passes the policy ${policy}: teach whoPasses`);
  if (who === 'anonymous') return { label: 'anonymous' };
  if (who !== 'code due') return { label: who, browser: await account(w, who, stepped) };
  const { email, browser, secret } = await startTotp(w);
  const confirmed = await call(w, browser, 'POST', '/api/mfa/totp/confirm', { code: generateSync({ secret }) });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  const res = await w.app.inject({
    method: 'POST',
    url: '/api/session',
    headers: { origin: ORIGIN },
    payload: { email, password: PASSWORD },
  });
  assert.equal(res.json().mfa, 'challenge', res.body);
  return { label: 'threat_manager, code due', browser: { cookie: sessionCookie(res), csrf: res.json().csrfToken } };
}

interface Field {
  readonly op: string;
  readonly variant: number;
  readonly label: string;
  readonly marker?: string;
  readonly shapes?: readonly string[];
  readonly reason?: string;
  shape: number;
}
interface Sent {
  readonly op: string;
  readonly variant: number;
  readonly kind: 'generic' | 'scenario';
  readonly actor: string;
  readonly status: number;
  readonly code: string | undefined;
  readonly carried: readonly string[];
}
interface Finding {
  readonly field: Field;
  readonly where: string;
  readonly encoding: string;
  readonly context: string;
}

/** Sends every operation its canary bodies (every union branch), then the scenarios that make them succeed. */
async function exercise(w: World, doc: Body, ops: readonly Operation[]) {
  const fields = new Map<string, Field>();
  const sent: Sent[] = [];
  const shapeOf = (f: Field) => f.shapes?.[f.shape];
  function bodyFor(op: Operation, variant: number) {
    const slots = new Map<string, Field>();
    const body = buildBody(doc, op.schema ?? {}, variant, (slot) => {
      const id = `${op.key}#${variant}#${slot.label}`;
      let field = fields.get(id);
      if (field === undefined) {
        const marker = w.markers.mint();
        const r = canaryShapes(marker, slot.label, slot.schema);
        field = {
          op: op.key,
          variant,
          label: slot.label,
          shape: 0,
          ...('shapes' in r ? { marker, shapes: r.shapes } : r),
        };
        fields.set(id, field);
      }
      slots.set(slot.path, field);
      return shapeOf(field) ?? plainString(slot.schema);
    });
    return { body, slots };
  }
  async function send(op: Operation, variant: number, kind: Sent['kind'], prepare: (body: Body) => Promise<Prepared>) {
    for (let attempt = 0; ; attempt++) {
      const { body, slots } = bodyFor(op, variant);
      const p = await prepare(body);
      const url = p.url ?? genericPath(op);
      const res = op.multipart
        ? await postForm(w, p.browser, url, asForm(p.body))
        : await call(w, p.browser, op.method as 'POST', url, p.body);
      const problem = res.headers['content-type']?.toString().includes('json') ? res.json() : undefined;
      // A value the schema allows but the server refuses (an e-mail address): try the field's next shape.
      if (res.statusCode === 400 && problem?.code === 'validation_failed' && attempt < 8) {
        const refused = (problem.errors as { path: string }[]).map((e) => slots.get(e.path.replace(/^body\.?/, '')));
        const movable = refused.filter((f): f is Field => f?.shapes !== undefined && f.shape < f.shapes.length - 1);
        for (const f of new Set(movable)) f.shape++;
        if (movable.length > 0) continue;
      }
      const text = JSON.stringify(p.body);
      const carried = [...fields.values()]
        .filter((f) => shapeOf(f) !== undefined && text.includes(shapeOf(f) as string))
        .map((f) => (f.op === op.key ? f.label : `${f.label} of ${f.op}`));
      p.after?.(res);
      sent.push({ op: op.key, variant, kind, actor: p.actor, status: res.statusCode, code: problem?.code, carried });
      return;
    }
  }
  const ordered = [
    ...Object.keys(SCENARIOS).flatMap((k) => ops.filter((o) => o.key === k)),
    ...ops.filter((o) => !(o.key in SCENARIOS)),
  ];
  for (const op of ordered) {
    if (op.key in CANNOT_EXERCISE || op.schema === undefined) continue;
    for (let variant = 0; variant < variantsOf(doc, op.schema); variant++) {
      const actor = await actorFor(w, op.policy, op.stepUp);
      await send(op, variant, 'generic', async (body) => ({ browser: actor.browser, actor: actor.label, body }));
    }
    const scenario = SCENARIOS[op.key];
    if (scenario !== undefined) await send(op, 0, 'scenario', (body) => scenario(w, body));
  }
  return { fields: [...fields.values()], sent };
}

/** Where each canary turned up: every sink searched, every hit kept; the planted control must turn up in each. */
async function search(w: World, fields: readonly Field[], started: number, pgDump: boolean) {
  const byMarker = new Map(fields.filter((f) => f.marker !== undefined).map((f) => [f.marker as string, f]));
  const sinks = new Map<string, Finding[]>();
  const report: Report = (sink, bytes, where) => {
    const list = sinks.get(sink) ?? [];
    sinks.set(sink, list);
    for (const hit of w.markers.find(bytes)) {
      const field = byMarker.get(hit.marker);
      if (field !== undefined) list.push({ field, where: where(hit.offset, hit.marker), ...hit });
    }
  };
  // The background work requests leave: the audit chain, and a signed checkpoint (audit directory and log).
  await chainEverything(w.database);
  await writeCheckpoint(w.database, w.signer, w.config.audit.dir, w.log, new Date());
  await asOwner(w.testDb, (db) => scanTables(db, w.markers, report));
  if (w.testDb.urls !== undefined && pgDump) await scanPgDump(w.testDb.urls.owner, report);
  const relations = w.engine === 'pglite' ? await relationsOf(w.database.db) : new Map<string, string>();
  await w.close();
  if (w.engine === 'pglite') scanDataDir(w.config.dataDir, relations, report);
  for (const file of [...filesUnder(w.config.secretsDir), ...filesUnder(w.config.audit.dir)]) {
    report('secrets and audit', readBytes(file) ?? Buffer.alloc(0), () => file);
  }
  w.logs.forEach((line, i) => {
    report('log', Buffer.from(line), () => `log line ${i + 1} (${JSON.parse(line).msg})`);
  });
  for (const file of filesUnder(tmpdir(), { modifiedSince: started - 1000, maxBytes: 50 << 20, exclude: [w.root] })) {
    report('temp files', readBytes(file) ?? Buffer.alloc(0), () => file);
  }
  return sinks;
}

/** A canary planted where every sink must see it: a search that finds it looks in the right place. */
const CONTROL = 'planted control';
async function plantControl(w: World): Promise<Field> {
  const marker = w.markers.mint();
  const value = `CANARY-${marker}-control`;
  await settingsRepository.getOrCreate(w.database.db, 'canary_test.control', value);
  w.log.info({ control: value }, 'canary test: the planted control');
  writeFileSync(path.join(w.config.audit.dir, 'canary-control.txt'), value);
  writeFileSync(path.join(w.controlDir, 'canary-control.txt'), value);
  return { op: CONTROL, variant: 0, label: 'control', marker, shapes: [value], shape: 0 };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

for (const engine of engines()) {
  const noPgDump = engine === 'postgres' ? missingTool('pg_dump', 'apt-get install postgresql-client') : false;
  describe(`canaries on ${engine}`, () => {
    let idp: TestIdp;
    let w: World;
    let ops: Operation[];
    let fields: readonly Field[];
    let sent: readonly Sent[];
    let sinks: Map<string, Finding[]>;
    let runtime: string;

    before(async () => {
      const started = Date.now();
      idp = await startTestIdp({
        redirectUris: [`${ORIGIN}/api/sso/callback`],
        postLogoutRedirectUris: [`${ORIGIN}/sign-in`],
      });
      w = await openCanaryApp(engine, idp);
      const doc = (await w.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      ops = operationsOf(doc);
      ({ fields, sent } = await exercise(w, doc, ops));
      const calls = Date.now() - started;
      sinks = await search(w, [...fields, await plantControl(w)], started, noPgDump === false);
      runtime = `calls ${calls} ms, search ${Date.now() - started - calls} ms`;
    });
    after(async () => {
      await w?.close();
      await idp?.close();
      for (const dir of [w?.root, w?.controlDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    test('every operation with a request body was sent canaries', (t) => {
      t.diagnostic(`${ops.length} operations with a request body; ${runtime}`);
      t.diagnostic(`${pad('operation', 34)} ${pad('call', 11)} ${pad('actor', 34)} status  canaries carried`);
      for (const s of sent) {
        const call = s.kind + (sent.some((x) => x.op === s.op && x.variant > 0) ? ` #${s.variant}` : '');
        const status = `${s.status}${s.code ? ` ${s.code}` : ''}`;
        t.diagnostic(`${pad(s.op, 34)} ${pad(call, 11)} ${pad(s.actor, 34)} ${status}: ${s.carried.join(', ') || '-'}`);
      }
      for (const f of fields.filter((x) => x.reason !== undefined)) {
        t.diagnostic(`cannot carry a canary: ${f.op} #${f.variant} ${f.label}: ${f.reason}`);
      }
      const unsent = ops.filter((o) => !(o.key in CANNOT_EXERCISE) && !sent.some((s) => s.op === o.key));
      assert.deepEqual(
        unsent.map((o) => o.key),
        [],
        'operations no call reached',
      );
      const stale = [...Object.keys(CANNOT_EXERCISE), ...Object.keys(SCENARIOS)].filter(
        (k) => !ops.some((o) => o.key === k),
      );
      assert.deepEqual(stale, [], 'CANNOT_EXERCISE or SCENARIOS name operations the document no longer has');
      // A body the validator refused reached nothing: every field that can carry a canary must get past it once.
      const unvalidated = fields.filter(
        (f) =>
          f.marker !== undefined &&
          !sent.some(
            (s) =>
              s.op === f.op && s.variant === f.variant && s.code !== 'validation_failed' && s.carried.includes(f.label),
          ),
      );
      assert.deepEqual(
        unvalidated.map((f) => `${f.op} #${f.variant} ${f.label}`),
        [],
        'never past validation',
      );
    });

    test('the scenarios meant to succeed succeeded', () => {
      const failed = sent.filter((s) => s.kind === 'scenario' && (s.status < 200 || s.status > 299));
      assert.deepEqual(
        failed.map((s) => `${s.op}: ${s.status} ${s.code ?? ''}`),
        [],
      );
    });

    const sinkTest = (sink: string, name: string, options: { skip?: string | false } = {}) =>
      test(name, options, (t) => {
        const findings = sinks.get(sink) ?? [];
        assert.ok(
          findings.some((f) => f.field.op === CONTROL),
          `the planted control was not found in ${sink}: the search looks in the wrong place`,
        );
        const leaks = findings.filter((f) => f.field.op !== CONTROL);
        for (const f of leaks) t.diagnostic(`${f.field.op} ${f.field.label} -> ${f.where}: ${f.context}`);
        const lines = [...new Set(leaks.map((f) => `${f.field.op} ${f.field.label} -> ${f.where} [${f.encoding}]`))];
        assert.deepEqual(lines, [], `canaries found in ${sink}`);
      });
    sinkTest('table rows', 'no canary in any table row');
    if (engine === 'postgres') sinkTest('pg_dump', 'no canary in pg_dump', { skip: noPgDump });
    if (engine === 'pglite')
      sinkTest('data directory', "no canary in the raw files of the embedded engine's data directory");
    sinkTest('secrets and audit', 'no canary in the secrets and audit directories');
    sinkTest('log', 'no canary in the log (trace level)');
    sinkTest('temp files', 'no canary in files of the temp directory written during the test');
  });
}

import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB, PersonTokenTable } from '../platform/db/schema.ts';
import { baseOf, digraphFold } from './normalize/fold.ts';
import { NAME_PARTICLES } from './normalize/stop-words.ts';
import type { Scope } from './scope-tokens.ts';
import { holdScopes } from './scopes.ts';
import { type SearchGeneration, SearchKeys, TOKEN_SCHEME } from './search-keys.ts';

/**
 * Person identifiers for recognising the same person across reports and cases (docs/security.md,
 * "Search"): each identifier, normalised, becomes a 64-bit HMAC token under one key for all scopes,
 * so the same person named in another report or case is found without any plaintext stored. Unlike
 * full-text tokens these link scopes on purpose: that is their job, and the leakage the docs accept.
 *
 * Normalised forms (in memory only):
 * - name: the name's words folded like search words (Müller, Mueller, MULLER meet), particles
 *   (von, van, de, …) and initials dropped, hyphenated parts split, sorted: "Erika
 *   Müller-Lüdenscheidt", "MUELLER-LUEDENSCHEIDT, Erika" and "Erika Müller Lüdenscheidt" meet; it
 *   takes two words of two letters or more to name someone, and a name alone is weak evidence
 *   (common names link different people): the triage view must say which identifiers matched;
 * - name_birth: the name's form and the date of birth (YYYY-MM-DD);
 * - employee_number: letters and digits only, upper case ("e-0042" and "E 0042" meet), at least
 *   three of them;
 * - email: the whole address, NFKC, lower case (no provider-specific rules);
 * - phone: the number in international form (E.164, by libphonenumber-js), national numbers read
 *   in the default region (Germany unless the caller says otherwise): "0151 2345678" and
 *   "+49 151 2345678" meet; a number that is not valid there (no area code, too short) is left out.
 */
export type PersonTokenKind = PersonTokenTable['kind'];

export interface PersonIdentifiers {
  readonly fullName?: string | undefined;
  /** YYYY-MM-DD */
  readonly dateOfBirth?: string | undefined;
  readonly employeeNumber?: string | undefined;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
}

export interface PersonMatch {
  readonly objectType: string;
  readonly objectId: string;
  readonly scope: Scope;
  /** Which identifiers matched, e.g. ['email', 'name']. */
  readonly kinds: readonly PersonTokenKind[];
}

const PARTICLES = new Set(NAME_PARTICLES);
const MAX_INPUT = 320;

function nameForm(name: string): string | undefined {
  const words = name
    .normalize('NFKC')
    .split(/[^\p{L}\p{M}\p{N}'’]+/u)
    .map((word) => digraphFold(baseOf(word.replace(/['’]/g, ''))))
    // Initials and particles say too little: "E. Müller" and "Maria de la Cruz" are not full names.
    .filter((word) => [...word].length >= 2 && !PARTICLES.has(word))
    .sort();
  return words.length >= 2 ? words.join(' ') : undefined;
}

function phoneForm(phone: string, region: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(phone, region);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** The normalised identifiers that are usable (too short, malformed or empty ones are left out). */
export function personForms(
  ids: PersonIdentifiers,
  region: CountryCode = 'DE',
): { kind: PersonTokenKind; form: string }[] {
  const forms: { kind: PersonTokenKind; form: string }[] = [];
  const usable = (value: string | undefined) =>
    value !== undefined && value.trim() !== '' && value.length <= MAX_INPUT ? value : undefined;
  const name = usable(ids.fullName) === undefined ? undefined : nameForm(ids.fullName as string);
  if (name !== undefined) forms.push({ kind: 'name', form: name });
  const birth = usable(ids.dateOfBirth);
  if (name !== undefined && birth !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(birth.trim())) {
    forms.push({ kind: 'name_birth', form: `${name}|${birth.trim()}` });
  }
  const employee = usable(ids.employeeNumber)
    ?.normalize('NFKC')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
  if (employee !== undefined && employee.length >= 3) forms.push({ kind: 'employee_number', form: employee });
  const email = usable(ids.email)?.normalize('NFKC').trim().toLowerCase();
  if (email !== undefined && /^[^\s@]+@[^\s@]+$/.test(email)) forms.push({ kind: 'email', form: email });
  const phone = usable(ids.phone);
  const international = phone === undefined ? undefined : phoneForm(phone, region);
  if (international !== undefined) forms.push({ kind: 'phone', form: international });
  return forms;
}

export class PersonIndex {
  readonly #keys: SearchKeys;
  readonly #region: CountryCode;
  /** The HMAC key of each live generation, by the id of its data key. */
  readonly #hmacKeys = new Map<string, KeyObject>();

  /** `region`: where national phone numbers are read (ISO 3166 code; Germany by default). */
  constructor(keys: KeyRing, options: { readonly region?: CountryCode } = {}) {
    this.#keys = new SearchKeys(keys);
    this.#region = options.region ?? 'DE';
  }

  /**
   * The person's identifiers as tokens of this object, replacing earlier ones, in the caller's
   * transaction. The person is locked for it (lockPerson): the re-indexing after a rotation,
   * which takes the same lock, then either went first, and the delete here sees its tokens, or
   * waits and reads the identifiers this transaction wrote.
   */
  async index(
    tx: Kysely<DB>,
    person: { objectType: string; objectId: string; scope: Scope; identifiers: PersonIdentifiers },
  ): Promise<void> {
    await lockPerson(tx, person.objectType, person.objectId);
    await holdScopes(tx, [person.scope]);
    await this.remove(tx, person.objectType, person.objectId);
    const live = await this.#keys.generations(tx, { hold: true });
    const [current] = live;
    if (current === undefined) throw new Error('no search key generation');
    const tokens = await this.#tokens(tx, live, [current], person.identifiers);
    if (tokens.length === 0) return;
    // Another release's generation: made again by the re-indexing (see SearchIndex.indexMany).
    const generation = current.scheme === TOKEN_SCHEME ? current.generation : 0;
    await tx
      .insertInto('person_tokens')
      .values(
        tokens.map(({ kind, token }) => ({
          object_type: person.objectType,
          object_id: person.objectId,
          scope_type: person.scope.type,
          scope_id: person.scope.id,
          kind,
          token: String(token),
          key_generation: generation,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async remove(tx: Kysely<DB>, objectType: string, objectId: string): Promise<void> {
    await tx
      .deleteFrom('person_tokens')
      .where('object_type', '=', objectType)
      .where('object_id', '=', objectId)
      .execute();
  }

  /**
   * Objects naming a person with any of these identifiers, wherever they are: a fact for the
   * triage roles only, which the caller must filter by its policy before showing anything. During
   * a rotation of the search key, under every live generation.
   */
  async find(db: Kysely<DB>, identifiers: PersonIdentifiers): Promise<PersonMatch[]> {
    const live = await this.#keys.generations(db);
    const ours = live.filter((g) => g.scheme === TOKEN_SCHEME);
    const tokens = await this.#tokens(db, live, ours.length > 0 ? ours : live, identifiers);
    if (tokens.length === 0) return [];
    const rows = await db
      .selectFrom('person_tokens')
      .select(['object_type', 'object_id', 'scope_type', 'scope_id', 'kind', 'token'])
      .where(
        'token',
        'in',
        tokens.map((t) => String(t.token)),
      )
      .execute();
    const wanted = new Map(tokens.map((t) => [`${t.kind}:${t.token}`, t.kind]));
    const matches = new Map<
      string,
      { objectType: string; objectId: string; scope: Scope; kinds: Set<PersonTokenKind> }
    >();
    for (const row of rows) {
      // The kind must agree too: an e-mail token never matches a phone token, however unlikely.
      if (!wanted.has(`${row.kind}:${row.token}`)) continue;
      const name = `${row.object_type}:${row.object_id}`;
      const match = matches.get(name) ?? {
        objectType: row.object_type,
        objectId: row.object_id,
        scope: { type: row.scope_type, id: row.scope_id },
        kinds: new Set<PersonTokenKind>(),
      };
      match.kinds.add(row.kind);
      matches.set(name, match);
    }
    return [...matches.values()].map((m) => ({ ...m, kinds: [...m.kinds].sort() }));
  }

  /**
   * The tokens of the identifiers under each generation in `use`. `live` is every generation
   * there is: the keys of any other, retired ones, are dropped.
   */
  async #tokens(
    executor: Kysely<DB>,
    live: readonly SearchGeneration[],
    use: readonly SearchGeneration[],
    identifiers: PersonIdentifiers,
  ): Promise<{ kind: PersonTokenKind; token: bigint }[]> {
    const liveIds = new Set(live.map((g) => g.keyId));
    for (const keyId of this.#hmacKeys.keys()) if (!liveIds.has(keyId)) this.#hmacKeys.delete(keyId);
    const forms = personForms(identifiers, this.#region);
    if (forms.length === 0) return [];
    const keys: KeyObject[] = [];
    for (const generation of use) {
      let key = this.#hmacKeys.get(generation.keyId);
      if (key === undefined) {
        const derived = await this.#keys.derive(generation, executor);
        key = createSecretKey(derived.person);
        for (const bytes of [derived.mask, derived.form, derived.cipher, derived.person]) bytes.fill(0);
        // A key made in this transaction is not kept before it commits (a rollback leaves no key behind).
        if (!this.#keys.madeIn(executor, generation)) this.#hmacKeys.set(generation.keyId, key);
      }
      keys.push(key);
    }
    return keys.flatMap((key) =>
      forms.map(({ kind, form }) => ({
        kind,
        token: createHmac('sha256', key).update(`${kind}\0${form}`).digest().readBigInt64BE(0),
      })),
    );
  }
}

/**
 * Locks one person's tokens for the caller's transaction (an advisory lock on its name: a person
 * has several rows and none that stands for all). `wait: false` takes it only if it is free.
 */
export async function lockPerson(tx: Kysely<DB>, objectType: string, objectId: string, wait = true): Promise<boolean> {
  const name = `person_tokens:${objectType}:${objectId}`;
  if (wait) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(tx);
    return true;
  }
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(hashtextextended(${name}, 0)) as locked`.execute(tx);
  return rows[0]?.locked === true;
}

import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB, PersonTokenTable } from '../platform/db/schema.ts';
import { baseOf, digraphFold } from './normalize/fold.ts';
import { NAME_PARTICLES } from './normalize/stop-words.ts';
import type { Scope } from './scope-tokens.ts';
import { holdScopes } from './scopes.ts';

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
  readonly #keys: KeyRing;
  readonly #region: CountryCode;
  #key: { readonly keyId: string; readonly key: KeyObject } | undefined;

  /** `region`: where national phone numbers are read (ISO 3166 code; Germany by default). */
  constructor(keys: KeyRing, options: { readonly region?: CountryCode } = {}) {
    this.#keys = keys;
    this.#region = options.region ?? 'DE';
  }

  /** The person's identifiers as tokens of this object, replacing earlier ones, in the caller's transaction. */
  async index(
    tx: Kysely<DB>,
    person: { objectType: string; objectId: string; scope: Scope; identifiers: PersonIdentifiers },
  ): Promise<void> {
    await holdScopes(tx, [person.scope]);
    await this.remove(tx, person.objectType, person.objectId);
    const tokens = await this.#tokens(tx, person.identifiers);
    if (tokens.length === 0) return;
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
   * triage roles only, which the caller must filter by its policy before showing anything.
   */
  async find(db: Kysely<DB>, identifiers: PersonIdentifiers): Promise<PersonMatch[]> {
    const tokens = await this.#tokens(db, identifiers);
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

  async #tokens(
    executor: Kysely<DB>,
    identifiers: PersonIdentifiers,
  ): Promise<{ kind: PersonTokenKind; token: bigint }[]> {
    const keys = await this.#keys.searchKeys(executor);
    try {
      if (this.#key?.keyId !== keys.keyId) this.#key = { keyId: keys.keyId, key: createSecretKey(keys.person) };
    } finally {
      for (const key of [keys.mask, keys.form, keys.cipher, keys.person]) key.fill(0);
    }
    const key = this.#key.key;
    return personForms(identifiers, this.#region).map(({ kind, form }) => ({
      kind,
      token: createHmac('sha256', key).update(`${kind}\0${form}`).digest().readBigInt64BE(0),
    }));
  }
}

import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { PersonIdentifiers } from './persons.ts';
import type { Scope } from './scope-tokens.ts';

/**
 * Where the plaintext of indexed objects comes from again: a rotation of the search key remakes
 * every token from the sealed texts they were made of (reindex.ts). Each feature that indexes an
 * object type registers a source for it (server.ts); tokens of a type without a source cannot be
 * remade, and keep the older generation alive until one is registered (keys:status says so).
 */
export interface TextSource {
  readonly objectType: string;
  /**
   * The current searchable texts of these objects, opened, in the caller's transaction: an object
   * left out no longer exists, and a field left out no longer has a text; their entries go. A text
   * that cannot be opened (its sealed value tampered with) is null: its entry goes too, counted.
   */
  texts(
    tx: Kysely<DB>,
    objectIds: readonly string[],
  ): Promise<
    ReadonlyMap<string, readonly { readonly field: string; readonly scope: Scope; readonly text: string | null }[]>
  >;
}

export interface PersonSource {
  readonly objectType: string;
  /**
   * The identifiers of these persons, opened, in the caller's transaction; one left out no longer
   * exists, and one whose identifiers cannot be opened is null. Either way its tokens go.
   */
  persons(
    tx: Kysely<DB>,
    objectIds: readonly string[],
  ): Promise<ReadonlyMap<string, { readonly scope: Scope; readonly identifiers: PersonIdentifiers } | null>>;
}

export interface SearchSources {
  readonly texts: readonly TextSource[];
  readonly persons: readonly PersonSource[];
}

import type { DataKey, FieldContext } from './sealed-field.ts';
import { NONCE_AT, sealedNonce } from './sealed-field.ts';

/** How many opened values one key keeps, oldest out first. */
const PER_KEY = 20_000;

/**
 * Values opened from sealed cells that never change once written (KeyRing.openFixed), kept per
 * data key: the ring drops a key's values as that key leaves its cache. Known by their place and
 * their nonce, so a value sealed anew is not answered from here; handed out frozen.
 */
export class OpenedValues {
  readonly #byKey = new WeakMap<DataKey, Map<string, { readonly nonce: Buffer; readonly value: unknown }>>();

  /** What this sealed value opened to with this key, if it is kept. */
  get<T>(key: DataKey, place: FieldContext, sealed: Uint8Array): { readonly value: T } | undefined {
    const kept = this.#byKey.get(key)?.get(at(place));
    return kept !== undefined && sameNonce(kept.nonce, sealed) ? { value: kept.value as T } : undefined;
  }

  keep(key: DataKey, place: FieldContext, sealed: Uint8Array, value: unknown): void {
    let values = this.#byKey.get(key);
    if (values === undefined) {
      values = new Map();
      this.#byKey.set(key, values);
    }
    if (values.size >= PER_KEY) values.delete(values.keys().next().value as string);
    values.set(at(place), { nonce: sealedNonce(sealed), value });
  }

  /** Everything this key opened: called as it leaves the cache. */
  drop(key: DataKey): void {
    this.#byKey.delete(key);
  }
}

const at = (place: FieldContext) => `${place.table}\n${place.column}\n${place.rowId}`;

/** Whether a sealed value carries this nonce, compared in place. */
function sameNonce(nonce: Buffer, sealed: Uint8Array): boolean {
  for (let i = 0; i < nonce.length; i++) if (sealed[NONCE_AT + i] !== nonce[i]) return false;
  return true;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Why an upload is refused. The detail is always one of our own fixed words (or a type name from
 * file-type's vocabulary), never a byte or a character of the upload: refusals are logged and
 * shown, and an upload's name or content may itself be sensitive.
 */
export type RefusalReason =
  | 'empty'
  | 'unknown_type'
  | 'type_mismatch'
  | 'not_text'
  | 'bad_name'
  | 'zip_bomb'
  | 'bad_archive'
  | 'cannot_strip'
  | 'too_large';

export interface Refusal {
  readonly ok: false;
  readonly reason: RefusalReason;
  readonly detail: string;
}

export function refuse(reason: RefusalReason, detail: string): Refusal {
  return { ok: false, reason, detail };
}

/** Thrown where a refusal has to leave a stream or a callback; carries the refusal unchanged. */
export class RefusedError extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Refusal) {
    super(`upload refused: ${refusal.reason} (${refusal.detail})`);
    this.name = 'RefusedError';
    this.refusal = refusal;
  }
}

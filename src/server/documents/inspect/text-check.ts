import { type Refusal, refuse } from './refusal.ts';

/**
 * Whether a stream of bytes is plain UTF-8 text, checked over the whole upload: TXT, CSV and EML
 * have no magic bytes, so the content is the only evidence. Feed it chunk by chunk; chunks may
 * split a multi-byte character anywhere.
 *
 * Allowed: any valid UTF-8 (a leading BOM included), tab, LF, CR and form feed. Refused: invalid
 * UTF-8 (Latin-1 or UTF-16 files among them: re-save as UTF-8), NUL and the other C0 controls,
 * DEL, and the C1 controls. ESC and C1 are refused although some logs contain colour codes:
 * escape sequences in a text that a case worker or an administrator views in a terminal can
 * rewrite the screen, and real documents do not need them.
 */
export class TextCheck {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #refusal: Refusal | undefined;
  #bytes = 0;

  push(chunk: Uint8Array): void {
    if (this.#refusal !== undefined || chunk.length === 0) return;
    this.#bytes += chunk.length;
    this.#check(() => this.#decoder.decode(chunk, { stream: true }));
  }

  /** A refusal already certain from the bytes pushed so far. */
  get refusalSoFar(): Refusal | undefined {
    return this.#refusal;
  }

  /** The verdict over everything pushed; an unfinished multi-byte character at the end is refused. */
  finish(): Refusal | undefined {
    if (this.#refusal === undefined) this.#check(() => this.#decoder.decode());
    if (this.#refusal === undefined && this.#bytes === 0) this.#refusal = refuse('empty', 'no_bytes');
    return this.#refusal;
  }

  #check(decode: () => string): void {
    let text: string;
    try {
      text = decode();
    } catch {
      this.#refusal = refuse('not_text', 'invalid_utf8');
      return;
    }
    if (hasForbiddenControl(text)) this.#refusal = refuse('not_text', 'control_character');
  }
}

/** Whether the first bytes of an upload are text so far (a cut multi-byte character at the end is fine). */
export function isTextPrefix(head: Uint8Array): boolean {
  const check = new TextCheck();
  check.push(head);
  // Not finish(): the head usually ends inside the file, possibly inside a character.
  return check.refusalSoFar === undefined;
}

function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) return true;
    } else if (c >= 0x7f && c <= 0x9f) {
      return true;
    }
  }
  return false;
}

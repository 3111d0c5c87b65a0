import { DETECTION_BYTES, detectKind, type Kind } from './file-kind.ts';
import { type Refusal, refuse } from './refusal.ts';
import { TextCheck } from './text-check.ts';
import { concatAll, DEFAULT_ZIP_LIMITS, ZipGuard, type ZipLimits } from './zip-guard.ts';

export interface InspectionOptions {
  readonly zipLimits?: ZipLimits;
  /** The upload limit; the inspection refuses as soon as more arrives. */
  readonly maxBytes?: number;
}

/**
 * Everything the upload pipeline asks of an upload's plaintext while it streams past on its way
 * to encryption: the kind from the first bytes and the name, then the whole-file check that kind
 * needs (text or ZIP). Nothing is kept but the first bytes, until the kind is known.
 *
 *   const inspection = new UploadInspection(name);
 *   for await (const chunk of upload) { if (await inspection.push(chunk)) abort(); … }
 *   const kind = await inspection.finish();
 */
export class UploadInspection {
  readonly #fileName: string;
  readonly #zipLimits: ZipLimits;
  readonly #maxBytes: number;
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #size = 0;
  #kind: Kind | Refusal | undefined;
  #text: TextCheck | undefined;
  #zip: ZipGuard | undefined;
  #refusal: Refusal | undefined;

  constructor(fileName: string, options: InspectionOptions = {}) {
    this.#fileName = fileName;
    this.#zipLimits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Feeds the next bytes; resolves to a refusal as soon as one is certain (stop reading then). */
  async push(chunk: Uint8Array): Promise<Refusal | undefined> {
    if (this.#refusal !== undefined || chunk.length === 0) return this.#refusal;
    this.#size += chunk.length;
    if (this.#size > this.#maxBytes) return this.#refuse(refuse('too_large', 'upload_limit'));
    if (this.#kind === undefined) {
      // The caller may reuse its buffer for the next chunk.
      this.#head.push(chunk.slice());
      this.#headBytes += chunk.length;
      if (this.#headBytes >= DETECTION_BYTES) await this.#detect();
    } else {
      this.#route(chunk);
    }
    return this.#refusal;
  }

  /** The verdict once the whole upload went through push(). */
  async finish(): Promise<Kind | Refusal> {
    if (this.#refusal !== undefined) return this.#refusal;
    if (this.#kind === undefined) await this.#detect();
    const kind = this.#kind;
    if (kind === undefined || !kind.ok) return this.#refusal ?? refuse('unknown_type', 'no_signature');
    const text = this.#text?.finish();
    if (text !== undefined) return this.#refuse(text);
    const zip = await this.#zip?.finish();
    if (zip !== undefined && !zip.ok) return this.#refuse(zip);
    return kind;
  }

  async #detect(): Promise<void> {
    const head = concatAll(this.#head);
    this.#head = [];
    const kind = await detectKind(head, this.#fileName);
    this.#kind = kind;
    if (!kind.ok) {
      this.#refusal = kind;
      return;
    }
    if (kind.pending === 'text') this.#text = new TextCheck();
    if (kind.pending === 'zip') this.#zip = new ZipGuard(kind.id, this.#zipLimits);
    this.#route(head);
  }

  #route(chunk: Uint8Array): void {
    this.#text?.push(chunk);
    this.#zip?.push(chunk);
    const refusal = this.#text?.refusalSoFar ?? this.#zip?.refusal;
    if (refusal !== undefined) this.#refusal = refusal;
  }

  #refuse(refusal: Refusal): Refusal {
    this.#refusal = refusal;
    return refusal;
  }
}

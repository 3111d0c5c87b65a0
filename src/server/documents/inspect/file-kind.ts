import { fileTypeFromBuffer } from 'file-type';
import { safeFileName } from './file-name.ts';
import { type Refusal, refuse } from './refusal.ts';
import { isTextPrefix } from './text-check.ts';

export type KindId =
  | 'pdf'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'heic'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'odt'
  | 'ods'
  | 'txt'
  | 'csv'
  | 'eml';

export type Family = 'pdf' | 'image' | 'ooxml' | 'odf' | 'text';

export interface KindSpec {
  readonly id: KindId;
  readonly family: Family;
  /** Lower-case, without the dot; the first is the one we would give a file of this kind. */
  readonly extensions: readonly string[];
  /** The type we store and serve, whatever the client claimed. */
  readonly mime: string;
  /** file-type's `ext` values that prove this kind; empty for text, which has no magic bytes. */
  readonly detectedAs: readonly string[];
}

/**
 * The allowlist. MSG and the other OLE compound files are left out: file-type calls every one of
 * them "cfb" (Word 97 documents, Excel 97 sheets, Outlook messages, password-protected OOXML),
 * telling them apart needs a compound-file reader that is not a dependency, and an Outlook message
 * carries its attachments and transport headers with no maintained way to strip them.
 */
export const KINDS: readonly KindSpec[] = [
  { id: 'pdf', family: 'pdf', extensions: ['pdf'], mime: 'application/pdf', detectedAs: ['pdf'] },
  // Animated PNGs are PNGs to every viewer that does not animate them.
  { id: 'png', family: 'image', extensions: ['png'], mime: 'image/png', detectedAs: ['png', 'apng'] },
  { id: 'jpeg', family: 'image', extensions: ['jpg', 'jpeg'], mime: 'image/jpeg', detectedAs: ['jpg'] },
  { id: 'gif', family: 'image', extensions: ['gif'], mime: 'image/gif', detectedAs: ['gif'] },
  { id: 'webp', family: 'image', extensions: ['webp'], mime: 'image/webp', detectedAs: ['webp'] },
  // file-type reports HEIF images, HEIC images and their sequences all as "heic".
  { id: 'heic', family: 'image', extensions: ['heic', 'heif'], mime: 'image/heic', detectedAs: ['heic'] },
  {
    id: 'docx',
    family: 'ooxml',
    extensions: ['docx'],
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    detectedAs: ['docx'],
  },
  {
    id: 'xlsx',
    family: 'ooxml',
    extensions: ['xlsx'],
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    detectedAs: ['xlsx'],
  },
  {
    id: 'pptx',
    family: 'ooxml',
    extensions: ['pptx'],
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    detectedAs: ['pptx'],
  },
  {
    id: 'odt',
    family: 'odf',
    extensions: ['odt'],
    mime: 'application/vnd.oasis.opendocument.text',
    detectedAs: ['odt'],
  },
  {
    id: 'ods',
    family: 'odf',
    extensions: ['ods'],
    mime: 'application/vnd.oasis.opendocument.spreadsheet',
    detectedAs: ['ods'],
  },
  { id: 'txt', family: 'text', extensions: ['txt'], mime: 'text/plain; charset=utf-8', detectedAs: [] },
  { id: 'csv', family: 'text', extensions: ['csv'], mime: 'text/csv; charset=utf-8', detectedAs: [] },
  { id: 'eml', family: 'text', extensions: ['eml'], mime: 'message/rfc822', detectedAs: [] },
];

export function kindSpec(id: KindId): KindSpec {
  const spec = KINDS.find((k) => k.id === id);
  if (spec === undefined) throw new TypeError(`unknown kind ${id}`);
  return spec;
}

/** How many first bytes detectKind wants; fewer is fine when the file is shorter. */
export const DETECTION_BYTES = 4100;

/**
 * What the rest of the upload must still pass before the kind is certain:
 * - 'text': every byte through a TextCheck;
 * - 'zip': every byte through a ZipGuard expecting this kind (OOXML and ODF are ZIP archives, and
 *   the first bytes may not reach the entry that names the document type);
 * - 'none': the magic bytes are the whole proof.
 */
export type PendingCheck = 'text' | 'zip' | 'none';

export interface Kind {
  readonly ok: true;
  readonly id: KindId;
  readonly family: Family;
  readonly mime: string;
  /** The cleaned file name (see safeFileName). */
  readonly fileName: string;
  readonly pending: PendingCheck;
}

/**
 * PDF, PostScript and RTF can be written in plain ASCII. Named .txt they would pass as text,
 * yet a viewer or a mail client that sniffs would open them as documents: a mismatch.
 */
const TEXT_SHAPED_DOCUMENTS = new Set(['pdf', 'ai', 'ps', 'eps', 'rtf']);

/**
 * The kind of an upload from its first bytes (at least DETECTION_BYTES of them, or the whole file
 * when shorter) and its name: the magic bytes must name a kind on the allowlist, and the name's
 * extension must be one of that kind's. The result tells which check the remaining bytes need.
 */
export async function detectKind(head: Uint8Array, fileName: string): Promise<Kind | Refusal> {
  const name = safeFileName(fileName);
  if (!name.ok) return name;
  if (head.length === 0) return refuse('empty', 'no_bytes');
  const spec = specForName(name.name);
  if (spec === undefined) return refuse('unknown_type', 'extension_not_allowed');
  const detected = await detectMagic(head);
  const kind = (pending: PendingCheck): Kind => ({
    ok: true,
    id: spec.id,
    family: spec.family,
    mime: spec.mime,
    fileName: name.name,
    pending,
  });

  if (spec.family === 'text') {
    // Notepad's "Unicode" is UTF-16; say so rather than what its first bytes resemble (MPEG audio).
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      return refuse('not_text', 'utf16');
    }
    const text = isTextPrefix(head);
    if (detected !== undefined && (!text || TEXT_SHAPED_DOCUMENTS.has(detected))) {
      return refuse('type_mismatch', `detected_${detected}`);
    }
    // Anything else file-type finds in text is a coincidence of a short signature ("BM" is a
    // bitmap, "MZ" a program): the whole-file text check decides.
    if (!text) return refuse('not_text', 'binary_content');
    if (spec.id === 'eml' && !looksLikeMessage(head)) return refuse('type_mismatch', 'not_rfc5322');
    return kind('text');
  }

  if (detected === undefined) {
    return isTextPrefix(head) ? refuse('type_mismatch', 'detected_text') : refuse('unknown_type', 'no_signature');
  }
  if (spec.detectedAs.includes(detected))
    return kind(spec.family === 'ooxml' || spec.family === 'odf' ? 'zip' : 'none');
  // From the first bytes alone file-type can only say "zip" when the entry naming the document
  // type comes later in the archive; the ZipGuard reads that entry and decides.
  if ((spec.family === 'ooxml' || spec.family === 'odf') && detected === 'zip') return kind('zip');
  return refuse('type_mismatch', `detected_${detected}`);
}

function specForName(fileName: string): KindSpec | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = fileName.slice(dot + 1).toLowerCase();
  return KINDS.find((k) => k.extensions.includes(extension));
}

async function detectMagic(head: Uint8Array): Promise<string | undefined> {
  try {
    return (await fileTypeFromBuffer(head))?.ext;
  } catch {
    // A parser error on hostile bytes means no recognisable type, not a server error.
    return undefined;
  }
}

/** Header fields that a message file practically always has (RFC 5322 requires From and Date). */
const MESSAGE_FIELDS = new Set([
  'from',
  'date',
  'subject',
  'to',
  'cc',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'delivered-to',
  'reply-to',
]);

/**
 * Whether the first bytes look like an RFC 5322 header section: every line up to the first empty
 * line is a field ("Name: value", the name printable ASCII without a colon) or a folded
 * continuation, the first line is a field, and at least one field is one that messages have.
 */
export function looksLikeMessage(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // The head usually ends in the middle of a line, which proves nothing either way.
  if (!/\r?\n$/.test(text)) lines.pop();
  let known = 0;
  for (const [index, line] of lines.entries()) {
    if (line === '') return known > 0 && index > 0;
    if (/^[ \t]/.test(line)) {
      if (index === 0) return false;
      continue;
    }
    const field = /^([!-9;-~]+):/.exec(line);
    if (field === null) return false;
    if (MESSAGE_FIELDS.has(field[1]?.toLowerCase() ?? '')) known++;
  }
  // The header section may be longer than the head (long Received chains).
  return known > 0;
}

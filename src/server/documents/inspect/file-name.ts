import { type Refusal, refuse } from './refusal.ts';

/** Names are shown to case workers and offered again on download, so they are kept short. */
export const MAX_NAME_CODE_POINTS = 200;
/** Longer input is not worth cleaning: no browser sends such a name for a real file. */
const MAX_INPUT_LENGTH = 10_000;
/** A longer tail after the last dot is not an extension worth keeping through truncation. */
const MAX_EXTENSION_CODE_POINTS = 16;

export type SafeName = { readonly ok: true; readonly name: string } | Refusal;

/**
 * Cleans an uploaded file's name for display and for a later download, or refuses it when nothing
 * usable is left. Idempotent: a cleaned name cleans to itself.
 *
 * Old browsers send a whole client path, so only the last path component is kept rather than
 * refusing the upload. Characters that can hide or fake what a name says (controls, bidi
 * overrides that turn "gpj.exe" around) are dropped; names Windows cannot create are changed so
 * that a downloaded file lands where the user expects.
 */
export function safeFileName(input: string): SafeName {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return refuse('bad_name', 'too_long');
  const normalised = input.toWellFormed().normalize('NFC');
  const lastComponent = normalised.split(/[/\\]/).pop() ?? '';
  let name = '';
  for (const char of lastComponent) {
    const cp = char.codePointAt(0) ?? 0;
    if (isDropped(cp)) continue;
    name += WINDOWS_FORBIDDEN.has(char) ? '_' : char;
  }
  // Leading dots hide files on Unix; trailing dots and spaces are silently removed by Windows.
  name = name.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
  if (RESERVED_WINDOWS.test(name)) name = `_${name}`;
  name = truncateKeepingExtension(name);
  if (name.length === 0) return refuse('bad_name', 'empty');
  return { ok: true, name };
}

/**
 * The Content-Disposition value for downloading a document (RFC 6266, with the RFC 8187/5987
 * extended parameter): a plain ASCII fallback for old clients and the exact UTF-8 name.
 */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const clean = safe.ok ? safe.name : 'download';
  return `attachment; filename="${asciiFallback(clean)}"; filename*=UTF-8''${encodeExtValue(clean)}`;
}

const WINDOWS_FORBIDDEN = new Set(['<', '>', ':', '"', '|', '?', '*']);

// Windows treats these as devices whatever the extension ("con.txt", "COM1.tar.gz", "nul .pdf").
const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\..*)?$/iu;

function isDropped(cp: number): boolean {
  return (
    cp <= 0x1f || // C0 controls, tab and newlines included: a name is one line
    (cp >= 0x7f && cp <= 0x9f) || // DEL and C1 controls (U+009B is a terminal's CSI)
    cp === 0x061c || // Arabic letter mark
    cp === 0x200e ||
    cp === 0x200f || // left-to-right and right-to-left marks
    (cp >= 0x202a && cp <= 0x202e) || // embeddings and overrides
    (cp >= 0x2066 && cp <= 0x2069) || // isolates
    cp === 0x2028 ||
    cp === 0x2029 || // line and paragraph separators
    cp === 0xfeff // byte order mark
  );
}

function truncateKeepingExtension(name: string): string {
  const codePoints = Array.from(name);
  if (codePoints.length <= MAX_NAME_CODE_POINTS) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const kept = Array.from(extension).length <= MAX_EXTENSION_CODE_POINTS ? extension : '';
  const stem = codePoints.slice(0, MAX_NAME_CODE_POINTS - Array.from(kept).length).join('');
  return `${stem.replace(/[\s.]+$/u, '')}${kept}`;
}

function asciiFallback(name: string): string {
  // Decomposing first keeps "Ärger.pdf" readable as "Arger.pdf" rather than "_rger.pdf".
  const letters = name.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const char of letters) {
    const cp = char.codePointAt(0) ?? 0;
    // '%' is replaced too: some clients percent-decode the plain parameter.
    out += cp >= 0x20 && cp <= 0x7e && char !== '"' && char !== '\\' && char !== '%' ? char : '_';
  }
  return out;
}

/** RFC 8187 attr-char: encodeURIComponent leaves ' ( ) * unescaped, which attr-char does not allow. */
function encodeExtValue(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}`,
  );
}

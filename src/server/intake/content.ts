import { createHmac, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OriginalReporter, ReportContent } from '../../contract/reports.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * A report's texts, sealed under the report's own key (docs/intake.md), and the random values that
 * name a report: its reference and the blind form of its idempotency key.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Eight characters of Crockford's alphabet from the operating system's random source (40 bits). */
export const randomCode = (): string => Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** How people read and say a report's reference: R-K7QM-3VXH. */
export const reportReference = (code: string): string => `R-${code.slice(0, 4)}-${code.slice(4)}`;

export const reportPlace = (
  reportId: string,
  column: 'content' | 'original_reporter' | 'outcome_reason',
): FieldContext => ({ table: 'reports', column, rowId: reportId });

export const messagePlace = (reportId: string, number: number): FieldContext => ({
  table: 'report_messages',
  column: 'body',
  rowId: `${reportId}:${number}`,
});

export const sealJson = (key: DataKey, value: unknown, place: FieldContext): Buffer =>
  sealField(key, JSON.stringify(value), place);

export async function openContent(keys: KeyRing, reportId: string, sealed: Uint8Array): Promise<ReportContent> {
  return JSON.parse(await keys.openText(sealed, reportPlace(reportId, 'content'))) as ReportContent;
}

export async function openOriginalReporter(
  keys: KeyRing,
  reportId: string,
  sealed: Uint8Array | null,
): Promise<OriginalReporter | null> {
  if (sealed === null) return null;
  return JSON.parse(await keys.openText(sealed, reportPlace(reportId, 'original_reporter'))) as OriginalReporter;
}

const IDEMPOTENCY_INDEX = 'report-idempotency';
const RECEIPT_INDEX = 'report-receipt';

/**
 * The stored form of a submission's idempotency key: an HMAC under a blind-index key, so the
 * column cannot be matched against keys guessed or seen elsewhere.
 */
export async function idempotencyOf(keys: KeyRing, executor: Kysely<DB>, idempotencyKey: string): Promise<string> {
  return createHmac('sha256', await keys.indexKey(IDEMPOTENCY_INDEX, executor))
    .update(idempotencyKey)
    .digest('base64url');
}

/**
 * The secret of an anonymous receipt, derived from the submission's idempotency key: a retry of a
 * submission whose answer was lost gets the same receipt again, and nothing but its hash is stored.
 * 80 bits, as receipts.ts draws them.
 */
export async function receiptSecretOf(keys: KeyRing, executor: Kysely<DB>, idempotencyKey: string): Promise<string> {
  const digest = createHmac('sha256', await keys.indexKey(RECEIPT_INDEX, executor))
    .update(idempotencyKey)
    .digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let secret = '';
  for (let i = 0; i < 16; i++) {
    secret = ALPHABET[Number(bits & 31n)] + secret;
    bits >>= 5n;
  }
  return secret;
}

/** Who the persons are, blanked for a reader without the identities section: their roles and descriptions stay. */
export function withoutIdentities(content: ReportContent): ReportContent {
  return {
    ...content,
    persons: content.persons.map((p) => ({
      ...p,
      name: '',
      orgUnit: '',
      contact: '',
      employeeNumber: '',
      dateOfBirth: '',
    })),
  };
}

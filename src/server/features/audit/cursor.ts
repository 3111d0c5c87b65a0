import { BadRequestError } from '../../platform/http/errors.ts';
import type { AuditCursor } from './audit.repository.ts';

/** An opaque page cursor: base64url of "<epoch ms>.<id>". */
export function encodeCursor(c: AuditCursor): string {
  return Buffer.from(`${c.at.getTime()}.${c.id}`).toString('base64url');
}

export function decodeCursor(s: string): AuditCursor {
  const m = /^(\d{1,15})\.(\d{1,18})$/.exec(Buffer.from(s, 'base64url').toString('latin1'));
  // Up to 18 digits: always within bigint, so a forged cursor is a 400, never a database error.
  if (m === null) throw new BadRequestError('The page cursor is not valid; start again from the first page.');
  return { at: new Date(Number(m[1])), id: m[2] ?? '0' };
}

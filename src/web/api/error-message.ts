import type { TFunction } from 'i18next';
import { PasskeyCeremonyError } from '../features/mfa/passkey-error.ts';
import { ApiError } from './client.ts';

/** The problem codes the UI explains in words; any other failure gets the generic message. */
const KNOWN_CODES = [
  'not_found',
  'link_expired',
  'weak_password',
  'email_taken',
  'conflict',
  'approval_stale',
  'csrf_failed',
  'invalid_credentials',
  'account_locked',
  'too_many_attempts',
  'unauthenticated',
  'session_expired',
  'validation_failed',
  'invalid_code',
  'mfa_required',
  'mfa_enrolment_required',
  'invalid_passkey',
  'passkey_exists',
  'last_second_factor',
  'sso_required',
  'no_passkey',
  'stale_version',
  'already_member',
  'already_lead',
  'lead_cannot_leave',
  'lead_scope',
  'self_grant',
  'user_active',
  'user_locked',
  'recused',
  'needs_team_lead',
  'link_to_itself',
  'already_linked',
  'merge_into_itself',
  'already_merged',
  'target_closed',
  'case_merged',
  'entry_in_future',
  'entry_before_birth',
  'unknown_person',
  'unknown_document',
  'persons_out_of_scope',
  'documents_out_of_scope',
  'bad_cursor',
  'payload_too_large',
  'placeholders_unfilled',
  'model_version_exists',
  'model_published',
  'model_retired',
  'unknown_optional_item',
  'migration_from_draft',
  'model_changed',
  'model_draft',
  'migration_invalid',
  'assessment_final',
  'assessment_incomplete',
  'model_not_published',
  'no_migration_path',
  'basis_invalid',
  'special_category_out_of_scope',
  'unknown_evidence',
  'unknown_assessment',
  'assessment_not_final',
  'identities_out_of_scope',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

const isKnown = (code: string | undefined): code is KnownCode =>
  code !== undefined && (KNOWN_CODES as readonly string[]).includes(code);

/** Shown when a user cancels the password prompt of a sensitive action: not an error worth a message. */
export class StepUpCancelledError extends Error {
  constructor() {
    super('step-up cancelled');
    this.name = 'StepUpCancelledError';
  }
}

export interface ErrorText {
  readonly message: string;
  /** The correlation id of an unexpected failure, for a support request. */
  readonly reference: string | undefined;
}

/** A failure in words, in the user's language. */
export function describeError(t: TFunction, error: unknown): ErrorText {
  // The browser's part of a passkey ceremony: what the user can do about it, never the raw DOMException.
  if (error instanceof PasskeyCeremonyError)
    return { message: t(`errors.passkey.${error.reason}`), reference: undefined };
  if (!(error instanceof ApiError)) {
    // fetch rejects with a TypeError when the server cannot be reached at all.
    return { message: t(error instanceof TypeError ? 'errors.network' : 'errors.generic'), reference: undefined };
  }
  // Expected answers speak for themselves; only an unexpected one needs the reference for a support request.
  if (error.code === 'too_many_attempts')
    return { message: tooManyAttempts(t, error.retryAfterSeconds), reference: undefined };
  if (isKnown(error.code)) return { message: t(`errors.${error.code}`), reference: undefined };
  const reference = error.problem?.correlationId;
  if (error.status >= 500) return { message: t('errors.server'), reference };
  return { message: t('errors.generic'), reference };
}

/** "Too many attempts; try again in 3 minutes." with the wait rounded up to whole minutes above a minute. */
export function tooManyAttempts(t: TFunction, seconds: number | undefined): string {
  if (seconds === undefined) return t('errors.too_many_attempts');
  if (seconds <= 90) return t('errors.tooManyAttemptsSeconds', { count: Math.max(1, seconds) });
  return t('errors.tooManyAttemptsMinutes', { count: Math.ceil(seconds / 60) });
}

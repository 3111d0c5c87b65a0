import { DisplayName, Email, PASSWORD_MAX, PASSWORD_MIN } from '../../contract/accounts.ts';
import { RecoveryCode, TotpCode } from '../../contract/mfa.ts';

/**
 * Client-side checks, the same rules as the contract, as i18n keys with their values. The server checks again
 * (and also refuses common passwords, which only it knows).
 */
export type FieldProblem =
  | { readonly key: 'validation.required' }
  | { readonly key: 'validation.email' }
  | { readonly key: 'validation.displayName' }
  | { readonly key: 'validation.passwordTooShort'; readonly values: { min: number; count: number } }
  | { readonly key: 'validation.passwordTooLong'; readonly values: { max: number } }
  | { readonly key: 'validation.passwordMismatch' }
  | { readonly key: 'validation.sameEmail' }
  | { readonly key: 'validation.chooseRole' }
  | { readonly key: 'validation.chooseExpertise' }
  | { readonly key: 'validation.uuid' }
  | { readonly key: 'validation.dateTime' }
  | { readonly key: 'validation.timeRange' }
  | { readonly key: 'validation.totpCode' }
  | { readonly key: 'validation.recoveryCode' };

export function checkRequired(value: string): FieldProblem | undefined {
  return value.trim() === '' ? { key: 'validation.required' } : undefined;
}

export function checkEmail(value: string): FieldProblem | undefined {
  return checkRequired(value) ?? (Email.safeParse(value).success ? undefined : { key: 'validation.email' });
}

export function checkDisplayName(value: string): FieldProblem | undefined {
  return checkRequired(value) ?? (DisplayName.safeParse(value).success ? undefined : { key: 'validation.displayName' });
}

/** A new password: 15 to 128 characters, nothing else (no composition rules). */
export function checkNewPassword(value: string): FieldProblem | undefined {
  if (value === '') return { key: 'validation.required' };
  if (value.length < PASSWORD_MIN)
    return { key: 'validation.passwordTooShort', values: { min: PASSWORD_MIN, count: value.length } };
  if (value.length > PASSWORD_MAX) return { key: 'validation.passwordTooLong', values: { max: PASSWORD_MAX } };
  return undefined;
}

export function checkConfirmation(password: string, confirmation: string): FieldProblem | undefined {
  if (confirmation === '') return { key: 'validation.required' };
  return password === confirmation ? undefined : { key: 'validation.passwordMismatch' };
}

/** A code of the authenticator app as typed: spaces (the apps show "123 456") do not count. */
export const normaliseTotpCode = (value: string) => value.replace(/\s+/g, '');

export function checkTotpCode(value: string): FieldProblem | undefined {
  return (
    checkRequired(value) ??
    (TotpCode.safeParse(normaliseTotpCode(value)).success ? undefined : { key: 'validation.totpCode' })
  );
}

/** A recovery code as the server takes it (lower case, without the spaces around it), or undefined if none. */
export function normaliseRecoveryCode(value: string): string | undefined {
  const parsed = RecoveryCode.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function checkRecoveryCode(value: string): FieldProblem | undefined {
  return (
    checkRequired(value) ??
    (normaliseRecoveryCode(value) === undefined ? { key: 'validation.recoveryCode' } : undefined)
  );
}

/** The problems of a form by field name; a form is valid when it is empty. */
export type FormProblems<F extends string> = Partial<Record<F, FieldProblem>>;

export function collect<F extends string>(checks: Record<F, FieldProblem | undefined>): FormProblems<F> {
  const problems: FormProblems<F> = {};
  for (const [field, problem] of Object.entries(checks) as [F, FieldProblem | undefined][]) {
    if (problem !== undefined) problems[field] = problem;
  }
  return problems;
}

export const isValid = (problems: FormProblems<string>) => Object.keys(problems).length === 0;

import type { PasswordProblem } from '../../access/passwords/password-policy.ts';
import { AppError } from '../../platform/http/errors.ts';

const DETAIL: Record<PasswordProblem, string> = {
  too_short:
    'The password is too short: use at least 15 characters; a passphrase of several words is easy to remember.',
  too_long: 'The password is too long: use at most 128 characters.',
  common: 'This password is on the list of commonly used passwords; choose another.',
  repetitive: 'This password repeats itself too much; choose another.',
  personal: 'The password must not be built from your e-mail address or name.',
};

export class WeakPasswordError extends AppError {
  readonly status = 400;
  readonly code = 'weak_password';
  readonly reason: PasswordProblem;
  constructor(reason: PasswordProblem) {
    super(DETAIL[reason]);
    this.reason = reason;
  }
}

export const weakPasswordError = (reason: PasswordProblem) => new WeakPasswordError(reason);

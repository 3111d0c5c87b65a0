/**
 * The one error hierarchy of the server. Services throw these; a single handler (problem.ts) maps
 * them to RFC 9457 problem+json. Callers match on `code`, never on the message.
 */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Safe to show to the client. Never put personal data, SQL or secrets here. */
  readonly detail: string | undefined;
  /**
   * Members of the problem body beside the standard ones (contract/problem.ts), for a client to
   * show the refusal in its own words; the same rules as for the detail.
   */
  readonly extra: object | undefined = undefined;
  constructor(detail?: string, options?: ErrorOptions) {
    super(detail ?? new.target.name, options);
    this.name = new.target.name;
    this.detail = detail;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'validation_failed';
  readonly errors: readonly FieldProblem[];
  override readonly extra: { readonly errors: readonly FieldProblem[] };
  constructor(errors: readonly FieldProblem[], detail = 'The request is not valid.') {
    super(detail);
    this.errors = errors;
    this.extra = { errors };
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly code: string;
  override readonly extra: object | undefined;
  constructor(detail?: string, options?: ErrorOptions & { readonly code?: string; readonly extra?: object }) {
    super(detail, options);
    this.code = options?.code ?? 'bad_request';
    this.extra = options?.extra;
  }
}

/** 401 with a code saying what to do: sign in, sign in again after a timeout, or re-enter the password. */
export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly code:
    | 'unauthenticated'
    | 'session_expired'
    | 'step_up_required'
    | 'invalid_credentials'
    | 'invalid_code'
    | 'invalid_passkey'
    | 'mfa_required'
    | 'mfa_enrolment_required';
  constructor(detail?: string, code: UnauthenticatedError['code'] = 'unauthenticated') {
    super(detail);
    this.code = code;
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code: string;
  constructor(detail: string, code = 'forbidden') {
    super(detail);
    this.code = code;
  }
}

export class GoneError extends AppError {
  readonly status = 410;
  readonly code = 'link_expired';
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_attempts';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('Too many attempts; wait before trying again.');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Also used for objects that exist but may not be seen: their existence is itself sensitive. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string;
  constructor(detail?: string, code = 'conflict') {
    super(detail);
    this.code = code;
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

/** An upload that was not stored, and why (a reason from the documents contract: UPLOAD_REFUSALS). */
export class UploadRefusedError extends AppError {
  readonly status: 400 | 413 | 422;
  readonly code = 'upload_refused';
  readonly reason: string;
  override readonly extra: { readonly reason: string };
  constructor(reason: string, detail: string) {
    super(detail);
    this.reason = reason;
    this.extra = { reason };
    this.status = reason === 'too_large' ? 413 : reason === 'infected' ? 422 : 400;
  }
}

/** A stored document that cannot be sent: its blob is missing, truncated or altered (logged). */
export class DocumentDamagedError extends AppError {
  readonly status = 500;
  readonly code = 'document_damaged';
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BlobStoreError } from '../../documents/blobs/blob-store.ts';
import { ScanError } from '../../documents/scan/scanner.ts';
import type { ProblemLog } from '../../intake/quiet-log.ts';
import { KeyProviderError } from '../crypto/key-provider.ts';
import {
  AppError,
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  410: 'Gone',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own errors, by code, to ours. Everything unknown becomes a generic 500. */
function fromFastify(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.statusCode === 415
        ? new UnsupportedMediaTypeError('Send the body as application/json.')
        : new BadRequestError('The request body is malformed.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BadRequestError('The request body is not valid JSON.');
    case 'FST_ERR_VALIDATION':
      return new ValidationError(fieldProblems(error));
    case 'FST_ERR_NOT_FOUND':
      return new NotFoundError();
    default:
      break;
  }
  // secure-json-parse throws SyntaxErrors (with a 400 status) for __proto__ / constructor payloads
  // and for plain malformed JSON.
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new BadRequestError('The request body is not valid JSON.');
  }
  return undefined;
}

function fieldProblems(error: FastifyError): ValidationError['errors'] {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof z.ZodError) {
    return cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  return [];
}

export function problemBody(status: number, code: string, correlationId: string, detail?: string, extra?: object) {
  return {
    type: `urn:tma:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail !== undefined ? { detail } : {}),
    correlationId,
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, error: AppError, correlationId: string): FastifyReply {
  const extra = error.extra;
  if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(error.status, error.code, correlationId, error.detail, extra));
}

/**
 * `quiet`: where the errors of requests that must leave no dated trace go instead of the log (the
 * anonymous channel: intake/quiet-log.ts); they are logged without a request id.
 */
export function errorHandler(
  main: Logger,
  quiet?: { readonly applies: (request: FastifyRequest) => boolean; readonly log: ProblemLog },
) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const hushed = quiet?.applies(request) === true;
    const log: ProblemLog = hushed && quiet !== undefined ? quiet.log : main;
    const known = error instanceof AppError ? error : fromFastify(error);
    // Our own 5xx answers still mean something is wrong on our side: the log says what.
    if (known !== undefined && known.status >= 500) log.error({ reqId: request.id, err: error }, known.code);
    if (known !== undefined) return sendProblem(reply, known, request.id);
    if (error instanceof ScanError) {
      // Configured scanning fails closed: no verdict, no upload.
      log.warn({ reqId: request.id, problem: error.code }, 'virus scanner unavailable; upload refused');
      const unavailable = new ServiceUnavailableError('The virus scanner cannot be reached; the file was not stored.');
      return sendProblem(reply, unavailable, request.id);
    }
    if (error instanceof BlobStoreError && error.problem === 'unavailable') {
      log.warn({ reqId: request.id, problem: error.problem }, 'blob store unavailable');
      return sendProblem(
        reply,
        new ServiceUnavailableError('The document store cannot be reached right now.'),
        request.id,
      );
    }
    if (error instanceof KeyProviderError && error.problem === 'unavailable') {
      // KMS down or slow (bounded retries ran out): nothing is served in the clear without it.
      log.warn({ reqId: request.id, problem: error.problem }, 'key provider unavailable');
      const unavailable = new ServiceUnavailableError(
        'The key service cannot be reached right now; try again shortly.',
      );
      return sendProblem(reply, unavailable, request.id);
    }
    // Unexpected: the stack goes to the log only, the client gets a correlation id to quote.
    log.error({ reqId: request.id, err: error }, 'unhandled error');
    return reply
      .code(500)
      .type('application/problem+json; charset=utf-8')
      .send(
        problemBody(
          500,
          'internal_error',
          request.id,
          'Something went wrong. Quote the correlation id when you report it.',
        ),
      );
  };
}

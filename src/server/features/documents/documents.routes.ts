import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ContentQuery,
  DeleteQuery,
  Document,
  DocumentList,
  DocumentParams,
  OwnerQuery,
  SetReaders,
  UploadFields,
  VersionFields,
  VersionParams,
} from '../../../contract/documents.ts';
import {
  addVersion,
  type DocumentsContext,
  deleteDocument,
  getDocument,
  type IncomingFile,
  listDocuments,
  openContent,
  uploadDocument,
} from '../../documents/documents.service.ts';
import { contentDisposition } from '../../documents/inspect/file-name.ts';
import { setReaders } from '../../documents/readers.ts';
import {
  AppError,
  BadRequestError,
  UnsupportedMediaTypeError,
  UploadRefusedError,
  ValidationError,
} from '../../platform/http/errors.ts';
import { refuseHead } from '../../platform/http/head.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { actorOf, originOf } from '../session/request-origin.ts';

/**
 * Documents over HTTP (docs/documents.md). Uploads are multipart/form-data, fields first, then
 * one part named "file", streamed through the pipeline without being held; downloads stream the
 * plaintext as it is decrypted and checked, and a chunk that fails to authenticate destroys the
 * connection (the client sees a failed transfer, never a short file that looks whole).
 */
const MAX_FIELDS = 5;

/** The fields before the file, validated, and the file as a stream (its size limit turned into our refusal). */
export async function readUpload<F>(
  request: FastifyRequest,
  fields: z.ZodType<F>,
): Promise<{ fields: F; file: IncomingFile }> {
  if (!request.isMultipart()) throw new UnsupportedMediaTypeError('Send the upload as multipart/form-data.');
  try {
    return await partsOf(request, fields);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // busboy's and the plugin's own errors: a malformed body, too many parts or fields.
    throw new BadRequestError('The upload is not a valid multipart/form-data body with one file part.', {
      cause: error,
    });
  }
}

async function partsOf<F>(request: FastifyRequest, fields: z.ZodType<F>): Promise<{ fields: F; file: IncomingFile }> {
  const values: Record<string, unknown> = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      values[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== 'file')
      throw new ValidationError([{ path: part.fieldname, message: 'the file part is named "file"' }]);
    const parsed = fields.safeParse(values);
    if (!parsed.success) {
      part.file.resume();
      throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    return { fields: parsed.data, file: { fileName: part.filename, stream: limited(part.file) } };
  }
  throw new ValidationError([{ path: 'file', message: 'a file part named "file" is required' }]);
}

/** busboy's file stream, with its size limit and its errors reported as the client's problems they are. */
async function* limited(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new UploadRefusedError('too_large', 'The file is larger than the upload limit.');
    }
    // The body broke off or is malformed (busboy): the client's request, not our fault.
    throw new BadRequestError('The upload ended early or is not valid multipart/form-data.', { cause: error });
  }
}

export async function documentRoutes(app: FastifyInstance, ctx: DocumentsContext): Promise<void> {
  await app.register(async (scope) => {
    // One file per request, a few short fields; the limit one byte over the upload limit, so that
    // the inspection refuses an oversized file with its own reason and nothing is stored.
    await scope.register(multipart, {
      limits: {
        files: 1,
        fields: MAX_FIELDS,
        parts: MAX_FIELDS + 1,
        fieldSize: 200,
        fileSize: ctx.uploadLimitBytes + 1,
      },
    });

    defineRoute(scope, {
      method: 'POST',
      url: '/api/documents',
      policy: 'documents.access',
      summary: 'Upload a document to a case or a report (multipart: the fields, then the file)',
      tags: ['documents'],
      multipart: UploadFields,
      responses: { 201: Document },
      handler: async (_input, request, reply) => {
        const { fields, file } = await readUpload(request, UploadFields);
        const owner = { type: fields.ownerType, id: fields.ownerId };
        const document = await uploadDocument(
          ctx,
          actorOf(request),
          owner,
          file,
          fields.strip === 'true',
          originOf(request),
        );
        return reply.code(201).send(document);
      },
    });

    defineRoute(scope, {
      method: 'POST',
      url: '/api/documents/:id/versions',
      policy: 'documents.access',
      summary: 'Upload the next version of a document (multipart: the fields, then the file)',
      tags: ['documents'],
      params: DocumentParams,
      multipart: VersionFields,
      responses: { 201: Document },
      handler: async ({ params }, request, reply) => {
        const { fields, file } = await readUpload(request, VersionFields);
        const document = await addVersion(
          ctx,
          actorOf(request),
          params.id,
          Number(fields.expectedVersion),
          file,
          fields.strip === 'true',
          originOf(request),
        );
        return reply.code(201).send(document);
      },
    });
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/documents',
    policy: 'documents.access',
    summary: 'The documents of a case or a report',
    tags: ['documents'],
    query: OwnerQuery,
    responses: { 200: DocumentList },
    handler: async ({ query }, request) => {
      refuseHead(request);
      return {
        documents: await listDocuments(
          ctx,
          actorOf(request),
          { type: query.ownerType, id: query.ownerId },
          originOf(request),
        ),
      };
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/documents/:id',
    policy: 'documents.access',
    summary: 'A document and its versions',
    tags: ['documents'],
    params: DocumentParams,
    responses: { 200: Document },
    handler: ({ params }, request) => {
      refuseHead(request);
      return getDocument(ctx, actorOf(request), params.id, originOf(request));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/documents/:id/versions/:version/content',
    policy: 'documents.access',
    summary: 'The file of a version: a download, or (images and PDFs) a preview for the app to show',
    tags: ['documents'],
    params: VersionParams,
    query: ContentQuery,
    responses: { 200: { description: 'The file' } },
    handler: async ({ params, query }, request, reply) => {
      refuseHead(request);
      const inline = query.inline === 'true';
      const content = await openContent(
        ctx,
        actorOf(request),
        params.id,
        Number(params.version),
        inline,
        originOf(request),
      );
      reply
        .type(content.mimeType)
        .header('content-length', String(content.length))
        .header('content-disposition', inline ? 'inline' : contentDisposition(content.name))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        // Opened directly, it runs nothing and reaches nothing: the app shows previews from a fetch.
        .header('content-security-policy', "default-src 'none'; sandbox");
      return reply.send(Readable.from(content.chunks));
    },
  });

  defineRoute(app, {
    method: 'PUT',
    url: '/api/documents/:id/readers',
    policy: 'documents.access',
    summary: 'Restrict a case document to chosen members of the documents scope, or open it to the scope again',
    tags: ['documents'],
    params: DocumentParams,
    body: SetReaders,
    responses: { 204: { description: 'Set' } },
    handler: async ({ params, body }, request, reply) => {
      await setReaders(ctx, actorOf(request), params.id, body as Parameters<typeof setReaders>[3], originOf(request));
      return reply.code(204).send();
    },
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/documents/:id',
    policy: 'documents.access',
    stepUp: true,
    summary: 'Delete a document (it leaves every list; retention deletes its files later)',
    tags: ['documents'],
    params: DocumentParams,
    query: DeleteQuery,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params, query }, request, reply) => {
      await deleteDocument(ctx, actorOf(request), params.id, Number(query.expectedVersion), originOf(request));
      return reply.code(204).send();
    },
  });
}

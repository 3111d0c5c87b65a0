import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ReceiptUploadFields, ReporterView } from '../../../contract/reports.ts';
import type { DocumentsContext } from '../../documents/documents.service.ts';
import type { IntakeContext } from '../../intake/context.ts';
import { attachByReceipt, throttled } from '../../intake/reporter.service.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import { readUpload } from '../documents/documents.routes.ts';

/**
 * Attachments from the anonymous reporter (docs/intake.md): multipart, the receipt as the one
 * field, then the file. Policy 'anonymous' (no session lookup, no log line); the receipt is checked
 * (and throttled) before a byte of the file is stored; its metadata is always stripped.
 */
export async function anonymousDocumentRoutes(
  app: FastifyInstance,
  ctx: IntakeContext,
  documents: DocumentsContext,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { files: 1, fields: 1, parts: 2, fieldSize: 100, fileSize: documents.uploadLimitBytes + 1 },
    });
    defineRoute(scope, {
      method: 'POST',
      url: '/api/anonymous/receipt/documents',
      policy: 'anonymous',
      summary: 'Add a file to the report a receipt opens (multipart: the receipt, then the file; metadata stripped)',
      tags: ['reports'],
      multipart: ReceiptUploadFields,
      responses: { 201: ReporterView },
      handler: async (_input, request, reply) => {
        throttled(ctx, request.ip);
        const { fields, file } = await readUpload(request, ReceiptUploadFields);
        return reply.code(201).send(await attachByReceipt(ctx, documents, fields.receipt, file));
      },
    });
  });
}

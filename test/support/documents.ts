import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { DocumentOwners } from '../../src/server/documents/owners.ts';
import { type Browser, ORIGIN } from './accounts.ts';
import type { TestApp } from './app.ts';

/**
 * Documents in tests: a stand-in for the owner rule the cases issue will register (members of a
 * case reach its documents; nobody else does), and multipart bodies as a browser's form sends them.
 */
export function memberOwners(): { owners: DocumentOwners; admit(caseId: string, userId: string): void } {
  const members = new Map<string, Set<string>>();
  const member = async (_db: unknown, actor: { userId: string }, caseId: string) =>
    members.get(caseId)?.has(actor.userId) ?? false;
  return {
    owners: { case: { canRead: member, canWrite: member } },
    admit(caseId, userId) {
      members.set(caseId, new Set([...(members.get(caseId) ?? []), userId]));
    },
  };
}

export interface FilePart {
  readonly name: string;
  readonly content: Uint8Array;
  readonly type?: string;
}

/** A multipart/form-data body: the fields in order, then the file part named "file". */
export function form(fields: Record<string, string>, file?: FilePart): { payload: Buffer; contentType: string } {
  const boundary = `----tma${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== undefined) {
    const escaped = file.name.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${escaped}"\r\n` +
          `content-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs a form as the browser would (session cookie, Origin, CSRF token). */
export function postForm(t: TestApp, browser: Browser | undefined, url: string, body: ReturnType<typeof form>) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      origin: ORIGIN,
      'content-type': body.contentType,
      ...(browser?.cookie ? { cookie: `__Host-tma=${browser.cookie}` } : {}),
      ...(browser?.csrf ? { 'x-csrf-token': browser.csrf } : {}),
    },
    payload: body.payload,
  });
}

/**
 * Starts an upload over a real connection and sends only the first `sentBytes` of the body, as a
 * client that goes away mid-way would: the caller destroys the returned socket.
 */
export async function partialUpload(
  address: string,
  browser: Browser,
  body: ReturnType<typeof form>,
  sentBytes: number,
): Promise<Socket> {
  const { port } = new URL(address);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    [
      'POST /api/documents HTTP/1.1',
      `host: 127.0.0.1:${port}`,
      `origin: ${ORIGIN}`,
      `cookie: __Host-tma=${browser.cookie}`,
      `x-csrf-token: ${browser.csrf}`,
      `content-type: ${body.contentType}`,
      `content-length: ${body.payload.length}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(body.payload.subarray(0, sentBytes));
  return socket;
}

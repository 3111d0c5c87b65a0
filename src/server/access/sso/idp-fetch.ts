import { Agent, request } from 'node:https';

/**
 * The fetch that talks to the identity provider. With a CA of its own (TMA_OIDC_CA_FILE, a
 * company CA) it trusts exactly that CA for these connections, not the public roots: Node's
 * global fetch takes a CA only through an undici dispatcher, so this speaks HTTPS through
 * node:https and answers with a standard Response. Certificates are always verified; plain http
 * is refused (there is no switch). Redirects are not followed (openid-client needs none); every
 * request has a deadline and a size limit, so a slow or hostile IdP cannot hold a sign-in forever.
 */
export type IdpFetch = (
  input: string | URL,
  // openid-client's CustomFetchOptions may carry any Uint8Array body, wider than the DOM typing of RequestInit.
  init?: Omit<RequestInit, 'body'> & { body?: RequestInit['body'] | Uint8Array },
) => Promise<Response>;

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

export function fetchTrusting(caPem: string): IdpFetch {
  const agent = new Agent({ ca: caPem, keepAlive: true });
  return async (input, init) => {
    const req = new Request(input, init as RequestInit);
    if (new URL(req.url).protocol !== 'https:') throw new TypeError(`the identity provider must use https: ${req.url}`);
    const body = req.body === null ? undefined : Buffer.from(await req.arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        req.url,
        {
          method: req.method,
          headers: Object.fromEntries(req.headers),
          agent,
          signal: AbortSignal.any([req.signal, AbortSignal.timeout(TIMEOUT_MS)]),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BYTES) res.destroy(new Error('the identity provider answered more than 1 MiB'));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              headers.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
            }
            const bytes = Buffer.concat(chunks);
            const status = res.statusCode ?? 502;
            resolve(new Response(bytes.length > 0 ? bytes : null, { status, statusText: res.statusMessage, headers }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}

import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Binds a flow to the browser that started it. SameSite=Lax, unlike the session cookie: the
 * provider's redirect back is a navigation from another site, and a Strict cookie would not come
 * along. It holds nothing but a random token whose digest the flow stores.
 */
const FLOW_COOKIE = '__Host-tma-sso';

export function setFlowCookie(reply: FastifyReply, token: string): void {
  reply.header('set-cookie', `${FLOW_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600`);
}

export function clearFlowCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${FLOW_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`);
}

export function readFlowCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === FLOW_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

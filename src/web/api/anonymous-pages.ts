/**
 * The public pages of the anonymous channel (router.tsx: /report and /report/status) and its API. A signed-in
 * employee's browser sends the session cookie with every request; the server dates a session's last activity
 * from any request that is not marked passive, and that date next to an anonymous report would tell who sent
 * it (docs/intake.md, "What the anonymous channel leaves behind").
 */
const ANONYMOUS_PAGES = new Set(['/report', '/report/status']);

/**
 * Whether the browser shows one of those pages now. Read from the address at the moment of each request, not
 * from a page's state: the router changes the address before it loads the next page, so a request made on the
 * way there (a preload on hover, the session asked on load) is judged by where the user is.
 */
export function onAnonymousPage(): boolean {
  if (typeof location === 'undefined') return false;
  return ANONYMOUS_PAGES.has(location.pathname.replace(/\/+$/, ''));
}

/** The anonymous channel's routes: they read no session, and nothing of it is sent to them. */
export const isAnonymousApi = (path: string): boolean => path.startsWith('/api/anonymous/');

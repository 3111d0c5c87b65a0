import { queryOptions } from '@tanstack/react-query';
import { SsoRedirect, SsoStatus } from '../../../contract/sso.ts';
import { apiDelete, apiGet, apiPost } from '../../api/client.ts';

export const ssoStatusQuery = queryOptions({
  queryKey: ['sso'],
  queryFn: ({ signal }) => apiGet('/api/sso', SsoStatus, { signal }),
  staleTime: 60_000,
});

/**
 * The provider's pages are a full-page navigation away: the server stored the flow and set the cookie that binds
 * it to this browser; after the provider, the server sends the browser on to the right page of TMA.
 */
function goTo(url: string): void {
  window.location.assign(url);
}

/** The current page, to come back to after a link or a step-up at the provider. */
function here(): string {
  return `${window.location.pathname}${window.location.search}`;
}

export async function startSsoSignIn(): Promise<void> {
  goTo((await apiPost('/api/sso/sign-in', undefined, SsoRedirect)).url);
}

/** Links the account to the provider (needs a recent step-up). */
export async function startSsoLink(): Promise<void> {
  goTo((await apiPost('/api/sso/link', { returnTo: here() }, SsoRedirect)).url);
}

/** A step-up at the provider: it authenticates anew, then the browser comes back here. */
export async function startSsoStepUp(): Promise<void> {
  goTo((await apiPost('/api/sso/step-up', { returnTo: here() }, SsoRedirect)).url);
}

export function unlinkSso(): Promise<void> {
  return apiDelete('/api/sso/link');
}

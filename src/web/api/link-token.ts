import { useState } from 'react';
import { Token } from '../../contract/accounts.ts';

export type LinkToken =
  | { readonly status: 'missing' }
  | { readonly status: 'malformed' }
  | { readonly status: 'ok'; readonly token: string };

/**
 * The token of a one-time link (/setup#…, /invite#…, /reset#…). It travels in the fragment, which browsers
 * never send to a server, and is read once when the page opens.
 */
export function readLinkToken(hash: string): LinkToken {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { status: 'missing' };
  return Token.safeParse(raw).success ? { status: 'ok', token: raw } : { status: 'malformed' };
}

export function useLinkToken(): LinkToken {
  const [token] = useState(() => readLinkToken(window.location.hash));
  return token;
}

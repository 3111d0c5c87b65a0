import type { BrowserContext, CDPSession, Page } from '@playwright/test';

/**
 * Chromium's virtual authenticators (DevTools protocol, domain WebAuthn), standing in for a laptop's built-in
 * authenticator: it keeps discoverable passkeys, verifies its user (as a fingerprint would) and answers at once,
 * without a prompt. Each belongs to one page's DevTools session; a passkey lives in the authenticator that made
 * it, so removing the authenticator is losing the device.
 */
export interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
}

export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
  cdp?: CDPSession,
): Promise<VirtualAuthenticator> {
  const session = cdp ?? (await context.newCDPSession(page));
  if (cdp === undefined) await session.send('WebAuthn.enable');
  const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp: session, authenticatorId };
}

export async function removeVirtualAuthenticator({ cdp, authenticatorId }: VirtualAuthenticator): Promise<void> {
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
}

/** How many passkeys the authenticator holds (for this site and any other). */
export async function passkeysIn({ cdp, authenticatorId }: VirtualAuthenticator): Promise<number> {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.length;
}

/** Whether the authenticator's user verification (the fingerprint) succeeds; off, every ceremony fails. */
export async function setUserVerified({ cdp, authenticatorId }: VirtualAuthenticator, verified: boolean) {
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: verified });
}

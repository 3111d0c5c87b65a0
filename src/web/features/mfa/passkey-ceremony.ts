import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import {
  PasskeyAuthenticationResponse,
  type PasskeyOptions,
  PasskeyRegistrationResponse,
} from '../../../contract/mfa.ts';
import { ceremonyFailure, PasskeyCeremonyError } from './passkey-error.ts';

async function ceremony<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new PasskeyCeremonyError(ceremonyFailure(error), error);
  }
}

/**
 * Has the browser make a passkey with the server's creation options (its challenge works once), and answers
 * the response in the contract's shape. The options come from our server as they are, so they are handed on
 * unchecked; the response is checked, as the server will check it again.
 */
export async function createPasskey(options: PasskeyOptions): Promise<PasskeyRegistrationResponse> {
  const optionsJSON = options as unknown as PublicKeyCredentialCreationOptionsJSON;
  const response = await ceremony(() => startRegistration({ optionsJSON }));
  const parsed = PasskeyRegistrationResponse.safeParse(response);
  if (!parsed.success) throw new PasskeyCeremonyError('failed', parsed.error);
  return parsed.data;
}

/** Has the browser sign the server's challenge with one of the user's passkeys (the user picks which). */
export async function signWithPasskey(options: PasskeyOptions): Promise<PasskeyAuthenticationResponse> {
  const optionsJSON = options as unknown as PublicKeyCredentialRequestOptionsJSON;
  const response = await ceremony(() => startAuthentication({ optionsJSON }));
  const parsed = PasskeyAuthenticationResponse.safeParse(response);
  if (!parsed.success) throw new PasskeyCeremonyError('failed', parsed.error);
  return parsed.data;
}

import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { isLanguage, saveLanguage } from '../../i18n/languages.ts';
import { SIGN_OUT_KEY, signOut } from './session-api.ts';
import { useSetSession } from './useSession.ts';

/** Signing out: afterwards the session is gone from the cache, and the pages send the user to the sign-in page. */
export function useSignOut() {
  const { i18n } = useTranslation();
  const setSession = useSetSession();
  const done = () => {
    // The server's Clear-Site-Data also empties localStorage: keep the language the user chose.
    if (isLanguage(i18n.resolvedLanguage)) saveLanguage(i18n.resolvedLanguage);
    setSession.signedOut('signed_out');
  };
  return useMutation({
    mutationKey: SIGN_OUT_KEY,
    mutationFn: signOut,
    onSuccess: (logoutUrl) => {
      done();
      // Signed in through the company's provider: end the session there as well; it sends the browser back.
      if (logoutUrl !== undefined) window.location.assign(logoutUrl);
    },
    // A session the server no longer knows is signed out as well; any other failure leaves it open.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) done();
    },
  });
}

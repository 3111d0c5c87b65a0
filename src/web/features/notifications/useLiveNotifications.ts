import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SESSION_KEY, SIGN_OUT_KEY } from '../session/session-api.ts';
import { afterError, type LiveMode, RETRY_STREAM_MS } from './live.ts';
import { NOTIFICATIONS_KEY, STREAM_URL } from './notifications-api.ts';

/**
 * Listens to the server's event stream of the bell while mounted (the bell is only there while signed in), and
 * answers how the bell hears of news now: the poll adapts to it (live.ts).
 *
 *  - `changed` (also sent on every connect, which covers what a lost connection missed): the bell asks again,
 *    passively like its poll.
 *  - `ended` (the session was signed out elsewhere, timed out, or the account locked or changed role): the stream
 *    is closed and the session asked again, as after any request that finds it gone; the app then does what it
 *    always does when a session ends (SignedInLayout).
 *  - an error: the browser tries again by itself (the server asks for 5 s) until it failed a few times in a row,
 *    or at once when it will not (an answer that is no stream: 401, 429); then the bell asks now (a 401 there ends
 *    the session as any request's does) and polls every minute, and tries the stream again after a while.
 *
 * Unmounting, as at sign-out, closes the stream; the header mounts the bell anew for another user or role, and so
 * opens a new stream for the new session.
 */
export function useLiveNotifications(): LiveMode {
  const client = useQueryClient();
  const [mode, setMode] = useState<LiveMode>('connecting');

  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setMode('polling');
      return;
    }
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const askAgain = () => void client.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
    const giveUp = () => {
      source?.close();
      source = undefined;
      setMode('polling');
      retry = setTimeout(connect, RETRY_STREAM_MS);
    };
    function connect() {
      retry = undefined;
      failures = 0;
      setMode('connecting');
      const stream = new EventSource(STREAM_URL);
      source = stream;
      stream.onopen = () => {
        failures = 0;
        setMode('open');
      };
      stream.addEventListener('changed', askAgain);
      stream.addEventListener('ended', () => {
        giveUp();
        // Our own sign-out ends the stream before its answer arrives: asking for the session then would find it
        // gone and send the user to sign in again "to go back", instead of saying "you have signed out".
        if (client.isMutating({ mutationKey: SIGN_OUT_KEY }) > 0) return;
        void client.invalidateQueries({ queryKey: SESSION_KEY });
      });
      stream.onerror = () => {
        if (source !== stream) return;
        failures += 1;
        if (afterError(failures, stream.readyState === EventSource.CLOSED) === 'retry') {
          setMode('connecting');
          return;
        }
        giveUp();
        askAgain();
      };
    }
    connect();
    return () => {
      if (retry !== undefined) clearTimeout(retry);
      source?.close();
      source = undefined;
    };
  }, [client]);

  return mode;
}

import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';
import { problemCode } from '../../api/client.ts';
import { StepUpCancelledError } from '../../api/error-message.ts';
import { mfaStatusQuery } from '../mfa/mfa-api.ts';
import { StepUpDialog } from './StepUpDialog.tsx';
import { useSession } from './useSession.ts';

/**
 * Whether the user has an authenticator app: a session that gave its code has one; otherwise the status the
 * profile page fetched says so (if it did; no request of its own).
 */
function useHasAuthenticator(): boolean {
  const session = useSession();
  const status = useQuery({ ...mfaStatusQuery, enabled: false }).data;
  return (session?.status === 'signed-in' && session.session.mfa === 'done') || status?.totp.enrolled === true;
}

/** Runs a sensitive request; if the server asks for the password again, asks for it and retries once. */
export type WithStepUp = <T>(request: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<WithStepUp | null>(null);

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [asking, setAsking] = useState(false);
  const pending = useRef<((confirmed: boolean) => void) | null>(null);
  const codeAvailable = useHasAuthenticator();

  const withStepUp = useCallback<WithStepUp>(async (request) => {
    try {
      return await request();
    } catch (error) {
      if (problemCode(error) !== 'step_up_required') throw error;
      const confirmed = await new Promise<boolean>((resolve) => {
        pending.current?.(false);
        pending.current = resolve;
        setAsking(true);
      });
      if (!confirmed) throw new StepUpCancelledError();
      return request();
    }
  }, []);

  const finish = (confirmed: boolean) => {
    setAsking(false);
    pending.current?.(confirmed);
    pending.current = null;
  };

  return (
    <StepUpContext value={withStepUp}>
      {children}
      <StepUpDialog
        open={asking}
        codeAvailable={codeAvailable}
        onConfirmed={() => finish(true)}
        onCancel={() => finish(false)}
      />
    </StepUpContext>
  );
}

export function useStepUp(): WithStepUp {
  const withStepUp = useContext(StepUpContext);
  if (withStepUp === null) throw new Error('useStepUp outside StepUpProvider');
  return withStepUp;
}

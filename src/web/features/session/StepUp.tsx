import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';
import { problemCode } from '../../api/client.ts';
import { StepUpCancelledError } from '../../api/error-message.ts';
import { mfaStatusQuery } from '../mfa/mfa-api.ts';
import { ssoStatusQuery } from '../sso/sso-api.ts';
import { type StepUpAlternatives, StepUpDialog } from './StepUpDialog.tsx';
import { useSession } from './useSession.ts';

const PASSWORD_ONLY: StepUpAlternatives = { code: false, passkey: false, sso: null };

/**
 * The user's second factors, to offer besides the password: asked for when the prompt opens (the profile page
 * usually has them already). Until the answer, the password alone: a session that gave its second factor no
 * longer tells which one it has (an app, passkeys, or both).
 */
function useStepUpAlternatives(asking: boolean): StepUpAlternatives {
  const session = useSession();
  const mayAsk = session?.status === 'signed-in' || session?.status === 'enrol';
  const status = useQuery({ ...mfaStatusQuery, enabled: asking && mayAsk }).data;
  const sso = useQuery({ ...ssoStatusQuery, enabled: asking && mayAsk }).data;
  const provider = sso?.linked === true ? sso.label : null;
  if (status === undefined) return { ...PASSWORD_ONLY, sso: provider };
  return { code: status.totp.enrolled, passkey: status.passkeys.length > 0, sso: provider };
}

/** Runs a sensitive request; if the server asks for the password again, asks for it and retries once. */
export type WithStepUp = <T>(request: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<WithStepUp | null>(null);

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [asking, setAsking] = useState(false);
  const pending = useRef<((confirmed: boolean) => void) | null>(null);
  const alternatives = useStepUpAlternatives(asking);

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
        alternatives={alternatives}
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

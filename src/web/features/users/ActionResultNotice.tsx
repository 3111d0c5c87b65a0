import { useTranslation } from 'react-i18next';
import type { AdminActionResult } from '../../../contract/accounts.ts';
import { Alert } from '../../ui/Alert.tsx';
import { OneTimeLinkBox } from '../../ui/OneTimeLinkBox.tsx';
import { useRoleName } from './options.ts';

export type DoneAction = {
  readonly action: 'invite' | 'role' | 'lock' | 'unlock' | 'password-reset' | 'mfa-reset';
  readonly result: AdminActionResult;
};

/**
 * What an administrative action did, focused when it appears: done (with the one-time link to hand over, if
 * any), or waiting for a team lead, who will then get the link (or, for a new two-factor set-up, approve it).
 */
export function ActionResultNotice({ done, onDismiss }: { done: DoneAction; onDismiss: () => void }) {
  const { t } = useTranslation();
  const roleName = useRoleName();
  const { user, link, approvalId } = done.result;
  const values = { name: user.displayName, role: roleName(user.role, user.expertise) };
  const pending = approvalId !== null;
  const message = pending
    ? t(`users.result.pending.${done.action}`, values)
    : t(`users.result.done.${done.action}`, values);

  return (
    <Alert tone={pending ? 'info' : 'success'} focus focusKey={done}>
      <p>{message}</p>
      {pending && (
        <p>{t(done.action === 'mfa-reset' ? 'users.result.pendingExplainedMfa' : 'users.result.pendingExplained')}</p>
      )}
      {link !== null && (
        <OneTimeLinkBox
          link={link}
          label={t(done.action === 'password-reset' ? 'users.result.resetLinkLabel' : 'users.result.inviteLinkLabel', {
            name: user.displayName,
          })}
        />
      )}
      <p>
        <button type="button" className="button button--secondary button--small" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      </p>
    </Alert>
  );
}

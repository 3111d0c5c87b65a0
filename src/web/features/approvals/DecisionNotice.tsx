import { useTranslation } from 'react-i18next';
import type { Approval, ApprovalDecision } from '../../../contract/accounts.ts';
import { Alert } from '../../ui/Alert.tsx';
import { OneTimeLinkBox } from '../../ui/OneTimeLinkBox.tsx';
import type { Decision } from './approvals-api.ts';

export type Decided = {
  readonly approval: Approval;
  readonly decision: Decision;
  readonly result: ApprovalDecision;
};

/** What a decision did; after an approval, the user's one-time link goes to this team lead to hand over. */
export function DecisionNotice({ decided, onDismiss }: { decided: Decided; onDismiss: () => void }) {
  const { t } = useTranslation();
  const { approval, decision, result } = decided;
  const name = result.user.displayName;
  return (
    <Alert tone="success" focus focusKey={decided}>
      <p>{t(`approvals.result.${decision}.${approval.kind}`, { name })}</p>
      {result.link !== null && (
        <>
          <p>{t('approvals.result.handOver', { name })}</p>
          <OneTimeLinkBox
            link={result.link}
            label={t(
              approval.kind === 'reset_password'
                ? 'approvals.result.resetLinkLabel'
                : 'approvals.result.inviteLinkLabel',
              { name },
            )}
          />
        </>
      )}
      <p>
        <button type="button" className="button button--secondary button--small" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      </p>
    </Alert>
  );
}

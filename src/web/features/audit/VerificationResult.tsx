import { useTranslation } from 'react-i18next';
import type { AuditVerification } from '../../../contract/audit.ts';
import { Alert } from '../../ui/Alert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';

/**
 * The outcome of a verification in words: intact, or broken with the first problem (the break that matters:
 * later ones may follow from it). With `focus`, it takes focus when it appears (after "Verify now").
 */
export function VerificationResult({ verification, focus }: { verification: AuditVerification; focus: boolean }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const checkedAt = t('audit.integrity.checkedAt', { time: dateTime(verification.checkedAt) });

  if (verification.ok) {
    return (
      <Alert tone="success" title={t('audit.integrity.intact')} focus={focus} focusKey={verification}>
        <p>
          {t('audit.integrity.intactDetail', {
            count: verification.chain.length,
            checkpoints: verification.checkpoints.checked,
          })}
        </p>
        <p>{checkedAt}</p>
      </Alert>
    );
  }

  const [first] = verification.problems;
  return (
    <Alert tone="error" title={t('audit.integrity.broken')} focus={focus} focusKey={verification}>
      <p>{t('audit.integrity.problemCount', { count: verification.problemCount })}</p>
      {first !== undefined && (
        <>
          <p>
            {t('audit.integrity.firstProblem', { problem: t(`audit.problem.${first.kind}`) })}
            {first.seq !== null && ` ${t('audit.integrity.atSeq', { seq: first.seq })}`}
            {first.eventId !== null && ` ${t('audit.integrity.eventId', { id: first.eventId })}`}
          </p>
          {/* The server's technical description, in English whatever the UI language. */}
          <p className="alert__reference" lang="en">
            {first.message}
          </p>
        </>
      )}
      <p>{checkedAt}</p>
    </Alert>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditStatus } from '../../../contract/audit.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { auditStatusQuery, verifyChain } from './audit-api.ts';
import { VerificationResult } from './VerificationResult.tsx';

/**
 * The state of the hash chain: the last verification (green "intact" or red "broken" with the first problem),
 * the latest signed checkpoint, the events not yet chained, and the button to verify the whole chain now.
 */
export function AuditIntegrityPanel({ status }: { status: AuditStatus }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const verify = useMutation({
    mutationFn: () => withStepUp(verifyChain),
    onSettled: () => client.invalidateQueries({ queryKey: auditStatusQuery.queryKey }),
  });
  const verification = verify.data ?? status.lastVerification;
  const checkpoint = status.latestCheckpoint;

  return (
    <section className="card" aria-labelledby="audit-integrity-heading">
      <h2 id="audit-integrity-heading">{t('audit.integrity.heading')}</h2>
      <p>{t('audit.integrity.intro')}</p>
      {verification === null ? (
        <Alert tone="info">
          <p>{t('audit.integrity.neverVerified')}</p>
        </Alert>
      ) : (
        <VerificationResult verification={verification} focus={verify.data !== undefined} />
      )}
      <dl className="facts audit-facts">
        <div>
          <dt>{t('audit.integrity.chainHead')}</dt>
          <dd>
            {status.chain.lastSeq === null
              ? t('audit.integrity.emptyChain')
              : t('audit.integrity.atSeqShort', {
                  seq: status.chain.lastSeq,
                })}
          </dd>
        </div>
        <div>
          <dt>{t('audit.integrity.latestCheckpoint')}</dt>
          <dd>
            {checkpoint === null
              ? t('audit.integrity.noCheckpoint')
              : t('audit.integrity.checkpoint', { seq: checkpoint.seq, time: dateTime(checkpoint.at) })}
          </dd>
        </div>
        <div>
          <dt>{t('audit.integrity.unchained')}</dt>
          <dd>
            {status.unchained.count === 0 || status.unchained.oldestAt === null
              ? t('audit.integrity.unchainedNone')
              : t('audit.integrity.unchainedSince', {
                  count: status.unchained.count,
                  time: dateTime(status.unchained.oldestAt),
                })}
          </dd>
        </div>
      </dl>
      <ErrorAlert error={verify.error} />
      <p>
        <button type="button" className="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? t('audit.integrity.verifying') : t('audit.integrity.verify')}
        </button>
      </p>
    </section>
  );
}

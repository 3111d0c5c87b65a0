import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { type ListedProblem, ProblemsList } from './ProblemsList.tsx';

/**
 * Saving and finalising, with what finalising still waits for, each a link to its field. Finalising
 * cannot be undone, so it asks once more; unsaved changes are saved with it.
 */
export function FinaliseBar({
  dirty,
  problems,
  refusal,
  failure,
  stale,
  saving,
  finalising,
  savedAt,
  onReload,
  onFinalise,
}: {
  dirty: boolean;
  problems: readonly ListedProblem[];
  /** Why the last save or finalising was refused (the failure itself, a new one focuses the list again); null: not refused. */
  refusal: { readonly kind: 'invalid' | 'incomplete'; readonly failure: unknown } | null;
  /** A failure other than a stale version or an incomplete assessment (those are explained here). */
  failure: unknown;
  stale: boolean;
  saving: boolean;
  finalising: boolean;
  savedAt: number | null;
  onReload: () => void;
  onFinalise: () => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const busy = saving || finalising;
  return (
    <section className="card as-finalise" aria-labelledby="as-finalise-heading">
      <h2 id="as-finalise-heading">{t('assessments.finalise.heading')}</h2>
      {stale && (
        <Alert tone="warning" title={t('assessments.stale.title')} focus focusKey={stale}>
          <p>{t('assessments.stale.explain')}</p>
          <button type="button" className="button button--small" onClick={onReload}>
            {t('assessments.stale.reload')}
          </button>
        </Alert>
      )}
      <ErrorAlert error={failure} />
      {problems.length > 0 ? (
        <Alert
          tone={refusal === null ? 'info' : 'error'}
          title={t(`assessments.finalise.${refusal?.kind ?? 'waitsFor'}`, { count: problems.length })}
          focus={refusal !== null}
          focusKey={refusal?.failure ?? null}
        >
          <ProblemsList problems={problems} />
          {dirty && <p className="field__hint">{t('assessments.finalise.asOfLastSave')}</p>}
        </Alert>
      ) : (
        <p>{t(dirty ? 'assessments.finalise.readyAfterSave' : 'assessments.finalise.ready')}</p>
      )}
      <p className="as-save-state" aria-live="polite">
        {dirty
          ? t('assessments.finalise.unsaved')
          : savedAt !== null
            ? t('assessments.finalise.saved')
            : t('assessments.finalise.upToDate')}
      </p>
      {confirming ? (
        <Alert tone="warning" title={t('assessments.finalise.confirmTitle')} focus focusKey={confirming}>
          <p>{t('assessments.finalise.confirm')}</p>
          <div className="form__actions">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                onFinalise();
              }}
            >
              {t('assessments.finalise.confirmButton')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </Alert>
      ) : (
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {saving ? t('common.working') : t('assessments.finalise.save')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            {finalising ? t('common.working') : t('assessments.finalise.open')}
          </button>
        </div>
      )}
    </section>
  );
}

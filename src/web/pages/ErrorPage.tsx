import { useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/error-message.ts';
import { useDocumentTitle } from '../layout/useDocumentTitle.ts';

/** A page whose data could not be loaded (the server unreachable, an unexpected answer), with a retry. */
export function ErrorPage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const router = useRouter();
  useDocumentTitle(t('errorPage.title'));
  const { message, reference } = describeError(t, error);
  return (
    <section className="card" aria-labelledby="error-heading">
      <h1 id="error-heading">{t('errorPage.heading')}</h1>
      <p>{message}</p>
      {reference && <p className="alert__reference">{t('errors.reference', { id: reference })}</p>}
      <p>
        <button type="button" className="button" onClick={() => void router.invalidate()}>
          {t('errorPage.retry')}
        </button>
      </p>
    </section>
  );
}

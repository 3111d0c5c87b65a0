import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { ssoStatusQuery, startSsoSignIn } from './sso-api.ts';

/** The single-sign-on button of the sign-in page, where the installation has a provider configured. */
export function SsoSignIn() {
  const { t } = useTranslation();
  const status = useQuery(ssoStatusQuery).data;
  const mutation = useMutation({ mutationFn: startSsoSignIn });
  if (status?.enabled !== true) return null;
  return (
    <section className="card" aria-labelledby="sso-sign-in-heading">
      <h2 id="sso-sign-in-heading">{t('sso.signInHeading')}</h2>
      <p>{t('sso.signInIntro', { provider: status.label })}</p>
      <ErrorAlert error={mutation.error} />
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => mutation.mutate()}
          disabled={mutation.isPending}
        >
          {mutation.isPending ? t('common.working') : t('sso.signInWith', { provider: status.label })}
        </button>
      </p>
    </section>
  );
}

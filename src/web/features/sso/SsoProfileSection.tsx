import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { ssoStatusQuery, startSsoLink, unlinkSso } from './sso-api.ts';

/**
 * Single sign-on in the profile: whether the account is linked to the company's provider, and linking or
 * releasing it (both sensitive: a recent step-up). Shown only where a provider is configured.
 */
export function SsoProfileSection() {
  const { t } = useTranslation();
  const withStepUp = useStepUp();
  const queryClient = useQueryClient();
  const status = useQuery(ssoStatusQuery).data;
  const link = useMutation({ mutationFn: () => withStepUp(startSsoLink) });
  const unlink = useMutation({
    mutationFn: () => withStepUp(unlinkSso),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ssoStatusQuery.queryKey }),
  });
  if (status?.enabled !== true) return null;
  return (
    <section className="card" aria-labelledby="sso-profile-heading">
      <h2 id="sso-profile-heading">{t('sso.profile.heading')}</h2>
      <p>
        {status.linked === true
          ? t('sso.profile.linked', { provider: status.label })
          : t('sso.profile.notLinked', { provider: status.label })}
      </p>
      <ErrorAlert error={link.error ?? unlink.error} messages={{ last_sign_in_method: t('sso.profile.lastMethod') }} />
      <p>
        {status.linked === true ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => unlink.mutate()}
            disabled={unlink.isPending}
          >
            {t('sso.profile.unlink', { provider: status.label })}
          </button>
        ) : (
          <button type="button" className="button" onClick={() => link.mutate()} disabled={link.isPending}>
            {t('sso.profile.link', { provider: status.label })}
          </button>
        )}
      </p>
    </section>
  );
}

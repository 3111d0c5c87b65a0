import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { SSO_ERROR_REASONS, type SsoErrorReason } from '../../../contract/sso.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Heading } from '../../ui/Heading.tsx';

export interface SsoErrorSearch {
  readonly reason?: SsoErrorReason;
}

export const isSsoErrorReason = (value: unknown): value is SsoErrorReason =>
  typeof value === 'string' && (SSO_ERROR_REASONS as readonly string[]).includes(value);

/**
 * Where a single sign-on that did not work lands: what happened in words a person can act on. The reasons that
 * point at an attack or a misconfiguration (a changed token, a wrong issuer) share one text; the record of what
 * exactly failed is in the audit trail, for the administrators.
 */
export function SsoErrorPage({ search }: { search: SsoErrorSearch }) {
  const { t } = useTranslation();
  useDocumentTitle(t('sso.error.title'));
  const reason = search.reason ?? 'token';
  const text = (() => {
    switch (reason) {
      case 'nonce':
      case 'issuer':
      case 'signature':
      case 'token':
        return t('sso.error.reason.token');
      default:
        return t(`sso.error.reason.${reason}`);
    }
  })();
  return (
    <section className="page page--narrow" aria-labelledby="sso-error-heading">
      <Heading id="sso-error-heading">{t('sso.error.heading')}</Heading>
      <Alert tone="error">
        <p>{text}</p>
      </Alert>
      <p>
        <Link to="/sign-in">{t('sso.error.back')}</Link>
      </p>
    </section>
  );
}

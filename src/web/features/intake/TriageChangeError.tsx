import { useTranslation } from 'react-i18next';
import { problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';

/** A refused triage change; someone else's newer change is named as such (the page has loaded it again). */
export function TriageChangeError({
  error,
  messages,
}: {
  error: unknown;
  messages?: Readonly<Record<string, string>>;
}) {
  const { t } = useTranslation();
  if (problemCode(error) === 'stale_version')
    return (
      <Alert tone="warning" focus focusKey={error}>
        <p>{t('triage.stale')}</p>
      </Alert>
    );
  return <ErrorAlert error={error} {...(messages ? { messages } : {})} />;
}

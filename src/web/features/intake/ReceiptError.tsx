import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { tooManyAttempts } from '../../api/error-message.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';

/**
 * A receipt that was refused: one message for every code that does not open a report (mistyped, unknown or
 * malformed: the server does not say which, nor does this), another for the flood protection's "wait".
 */
export function ReceiptError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError)) return <ErrorAlert error={error} />;
  if (error.status === 429)
    return (
      <Alert tone="error" focus focusKey={error}>
        <p>{t('receiptStatus.throttled')}</p>
        <p>{tooManyAttempts(t, error.retryAfterSeconds)}</p>
      </Alert>
    );
  if (error.status === 404 || error.code === 'receipt_unknown' || error.code === 'validation_failed')
    return (
      <Alert tone="error" focus focusKey={error}>
        <p>{t('receiptStatus.unknown')}</p>
      </Alert>
    );
  return <ErrorAlert error={error} />;
}

import { useTranslation } from 'react-i18next';
import { describeError, StepUpCancelledError } from '../api/error-message.ts';
import { Alert } from './Alert.tsx';

/**
 * A failed request as a focused alert: the message in words and the request's reference. A cancelled password
 * prompt is no failure and shows nothing. `messages` overrides the text of given problem codes for this form.
 */
export function ErrorAlert({ error, messages = {} }: { error: unknown; messages?: Readonly<Record<string, string>> }) {
  const { t } = useTranslation();
  if (error === null || error === undefined || error instanceof StepUpCancelledError) return null;
  const { message, reference } = describeError(t, error);
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' && messages[code] !== undefined ? messages[code] : message;
  return (
    <Alert tone="error" focus focusKey={error}>
      <p>{text}</p>
      {reference && <p className="alert__reference">{t('errors.reference', { id: reference })}</p>}
    </Alert>
  );
}

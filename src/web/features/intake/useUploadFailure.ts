import { useTranslation } from 'react-i18next';
import { ApiError, UploadRefusedError } from '../../api/client.ts';
import { describeError, tooManyAttempts } from '../../api/error-message.ts';

/**
 * Why a reporter's file was not added, in words: the refusal's reason as the documents UI words it, the
 * anonymous channel's "wait" and "closed", a receipt no longer accepted, or the failure as any other.
 */
export function useUploadFailure(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error: unknown) => {
    if (error instanceof UploadRefusedError) return t(`documents.refusal.${error.reason}`);
    if (error instanceof ApiError) {
      if (error.status === 429) return tooManyAttempts(t, error.retryAfterSeconds);
      if (error.code === 'report_closed') return t('attachments.failure.closed');
      if (error.code === 'receipt_unknown') return t('receiptStatus.unknown');
    }
    return describeError(t, error).message;
  };
}

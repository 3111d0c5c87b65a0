import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Download } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from './StepUp.tsx';

/**
 * Hands a downloaded file to the browser to save: an object URL and a temporary link, removed again at once. (A
 * plain link to a download could not meet the password prompt it may ask for.)
 */
function saveDownload(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked only after the browser has taken the file; revoking at once can cancel the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A button that downloads a file the server gives only after a fresh password confirmation (an
 * export): the prompt when it asks, the file saved under the server's name (else `fallbackName`),
 * then `done` said, or the refusal.
 */
export function StepUpDownload({
  label,
  done,
  fallbackName,
  download,
}: {
  label: string;
  done: string;
  fallbackName: string;
  download: () => Promise<Download>;
}) {
  const { t } = useTranslation();
  const withStepUp = useStepUp();
  const run = useMutation({
    mutationFn: () => withStepUp(download),
    onSuccess: ({ blob, filename }) => saveDownload(blob, filename ?? fallbackName),
  });
  return (
    <>
      <ErrorAlert error={run.error} />
      {run.isSuccess && (
        <Alert tone="success">
          <p>{done}</p>
        </Alert>
      )}
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => run.mutate()}
          disabled={run.isPending}
        >
          {run.isPending ? t('common.working') : label}
        </button>
      </p>
    </>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies a text to the clipboard and says (politely, to screen readers too) whether that worked. The messages
 * speak of a link unless others are given.
 */
export function CopyButton({
  text,
  label,
  copiedText,
  failedText,
}: {
  text: string;
  label: string;
  copiedText?: string;
  failedText?: string;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 4_000);
    return () => window.clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span className="copy">
      <button type="button" className="button button--secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span className="copy__status" role="status">
        {state === 'copied'
          ? (copiedText ?? t('oneTimeLink.copied'))
          : state === 'failed'
            ? (failedText ?? t('oneTimeLink.copyFailed'))
            : ''}
      </span>
    </span>
  );
}

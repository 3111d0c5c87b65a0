import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PasskeySummary } from '../../../contract/mfa.ts';

/**
 * Asks before a passkey is removed (it cannot be undone: the device keeps a passkey the server no longer knows).
 * The native <dialog> keeps focus inside, closes on Escape (= cancel) and gives focus back to where it was.
 */
export function RemovePasskeyDialog({
  passkey,
  onConfirm,
  onCancel,
}: {
  /** The passkey to ask about; null: closed. */
  passkey: PasskeySummary | null;
  onConfirm: (passkey: PasskeySummary) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (passkey !== null && !dialog.open) dialog.showModal();
    else if (passkey === null && dialog.open) dialog.close();
  }, [passkey]);

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="remove-passkey-heading"
      aria-describedby="remove-passkey-body"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {passkey !== null && (
        <div className="form">
          <h2 id="remove-passkey-heading">{t('profile.passkeys.confirm.heading', { name: passkey.name })}</h2>
          <p id="remove-passkey-body">{t('profile.passkeys.confirm.body')}</p>
          <div className="form__actions">
            <button type="button" className="button" onClick={() => onConfirm(passkey)}>
              {t('profile.passkeys.confirm.submit')}
            </button>
            <button type="button" className="button button--secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

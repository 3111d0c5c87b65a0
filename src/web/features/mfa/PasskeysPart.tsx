import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PasskeySummary } from '../../../contract/mfa.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { mfaStatusQuery, removePasskey } from './mfa-api.ts';
import { RemovePasskeyDialog } from './RemovePasskeyDialog.tsx';

/**
 * The passkeys part of the two-factor section: the user's passkeys (name, when added and last used, whether
 * synced across devices), a way to add one (the section shows the form) and to remove any, after asking and
 * with a step-up. The server keeps the last second factor of a role that requires one.
 */
export function PasskeysPart({
  passkeys,
  onAdd,
  onNotice,
}: {
  passkeys: readonly PasskeySummary[];
  onAdd: () => void;
  /** News of a removal for the section to show; null clears an earlier one as another removal starts. */
  onNotice: (notice: string | null) => void;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const [asking, setAsking] = useState<PasskeySummary | null>(null);
  const remove = useMutation({
    mutationFn: (passkey: PasskeySummary) => withStepUp(() => removePasskey(passkey.id)),
    onSuccess: (_nothing, passkey) => onNotice(t('profile.passkeys.removed', { name: passkey.name })),
    onSettled: () => client.invalidateQueries({ queryKey: mfaStatusQuery.queryKey }),
  });

  const confirmed = (passkey: PasskeySummary) => {
    setAsking(null);
    onNotice(null);
    remove.mutate(passkey);
  };

  return (
    <div className="mfa-passkeys">
      <h3 id="passkeys-heading">{t('profile.passkeys.heading')}</h3>
      <p>{t('profile.passkeys.intro')}</p>
      <ErrorAlert error={remove.error} />
      {passkeys.length === 0 ? (
        <p>{t('profile.passkeys.none')}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">{t('profile.passkeys.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('profile.passkeys.name')}</th>
                  <th scope="col">{t('profile.passkeys.createdAt')}</th>
                  <th scope="col">{t('profile.passkeys.lastUsedAt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {passkeys.map((passkey) => (
                  <tr key={passkey.id}>
                    <th scope="row">
                      {passkey.name}
                      {passkey.synced && <span className="badge badge--neutral">{t('profile.passkeys.synced')}</span>}
                    </th>
                    <td>{dateTime(passkey.createdAt)}</td>
                    <td>
                      {passkey.lastUsedAt === null ? t('profile.passkeys.neverUsed') : dateTime(passkey.lastUsedAt)}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        onClick={() => setAsking(passkey)}
                        disabled={remove.isPending}
                      >
                        {t('profile.passkeys.remove')}
                        <span className="visually-hidden">
                          {' '}
                          {t('profile.passkeys.removeWhich', { name: passkey.name })}
                        </span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {passkeys.some((passkey) => passkey.synced) && <p className="mfa-note">{t('profile.passkeys.syncedHint')}</p>}
        </>
      )}
      <p>
        <button type="button" className="button button--secondary" onClick={onAdd}>
          {t('profile.passkeys.add')}
        </button>
      </p>
      <RemovePasskeyDialog passkey={asking} onConfirm={confirmed} onCancel={() => setAsking(null)} />
    </div>
  );
}

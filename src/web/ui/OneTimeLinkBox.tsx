import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { OneTimeLink } from '../../contract/accounts.ts';
import { CopyButton } from './CopyButton.tsx';
import { useDateTime } from './useDateTime.ts';

/**
 * A one-time link to hand over: the link in a read-only field (selectable, labelled with whom it is for), a
 * copy button, its expiry, and the reminder to hand it over in person.
 */
export function OneTimeLinkBox({ link, label }: { link: OneTimeLink; label: string }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const id = useId();
  return (
    <div className="one-time-link">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="one-time-link__row">
        <input
          id={id}
          className="field__input one-time-link__url"
          type="text"
          readOnly
          value={link.url}
          aria-describedby={`${id}-note`}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={link.url} label={t('oneTimeLink.copy')} />
      </div>
      <p className="one-time-link__note" id={`${id}-note`}>
        {t('oneTimeLink.expires', { time: dateTime(link.expiresAt) })} {t('oneTimeLink.handOver')}
      </p>
    </div>
  );
}

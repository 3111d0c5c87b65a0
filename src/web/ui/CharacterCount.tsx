import { useTranslation } from 'react-i18next';

/**
 * "120 / 1,000 characters" under a limited field, named by the field's aria-describedby (read when the field
 * gets focus). Only reaching the limit is announced while typing: a count spoken at every key would drown the
 * text being written.
 */
export function CharacterCount({ id, length, max }: { id: string; length: number; max: number }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  const full = length >= max;
  return (
    <>
      <p className={`field__count${full ? ' field__count--full' : ''}`} id={id}>
        {t('common.characters', { count: length, length: number.format(length), max: number.format(max) })}
      </p>
      <span className="visually-hidden" aria-live="polite">
        {full ? t('common.charactersFull', { max: number.format(max) }) : ''}
      </span>
    </>
  );
}

import { useTranslation } from 'react-i18next';

/** A case document seen only by chosen members (docs/documents.md, "Restricted documents"). */
export function RestrictedBadge() {
  const { t } = useTranslation();
  return <span className="badge badge--warn">{t('documents.readers.badge')}</span>;
}

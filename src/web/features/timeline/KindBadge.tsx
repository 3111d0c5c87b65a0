import { useTranslation } from 'react-i18next';
import type { EntryKind } from '../../../contract/timeline.ts';
import { GROUP_ICONS, groupOf } from './kinds.ts';

/** The kind's name, with its group's colour and glyph (which only repeat the name). */
export function KindBadge({ kind }: { kind: EntryKind }) {
  const { t } = useTranslation();
  const group = groupOf(kind);
  return (
    <span className={`tl-kind tl-kind--${group}`}>
      <span className="tl-kind__icon" aria-hidden="true">
        {GROUP_ICONS[group]}
      </span>
      {t(`timeline.kinds.${kind}`)}
    </span>
  );
}

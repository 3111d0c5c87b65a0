import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { KnownPersonHint, ReportContent } from '../../../contract/reports.ts';

/**
 * "Known person": a person of this report is named in another report or case too. Which identifiers matched
 * decides how much it means (a name alone is weak); where it is named goes only as far as the viewer may see,
 * and otherwise says whom to ask. Without the identities section of the report's case there are none to show
 * (`hidden`): that is said, not "none found".
 */
export function KnownPersonHints({
  hints,
  content,
  hidden,
}: {
  hints: readonly KnownPersonHint[];
  content: ReportContent;
  hidden: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="hints-heading">
      <h2 id="hints-heading">{t('hints.heading')}</h2>
      {hidden ? (
        <p className="muted">{t('cases.reports.hidden')}</p>
      ) : hints.length === 0 ? (
        <p className="muted">{t('hints.none')}</p>
      ) : (
        <>
          <p>{t('hints.intro')}</p>
          <ul className="hint-list">
            {hints.map((hint, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: hints have no id; the server's order is stable.
              <li key={i} className="hint">
                <HintText hint={hint} content={content} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function HintText({ hint, content }: { hint: KnownPersonHint; content: ReportContent }) {
  const { t } = useTranslation();
  const person = content.persons[hint.person];
  const weak = hint.matchedBy.every((m) => m === 'name');
  const where = hint.where;
  return (
    <>
      <p className="hint__person">
        <strong>{t('intake.persons.legend', { number: hint.person + 1 })}</strong>
        {person !== undefined &&
          ` (${t(`triage.roles.${person.role}`)}${person.name === '' ? '' : `: ${person.name}`})`}
      </p>
      <p>
        {t('hints.matchedBy', { list: hint.matchedBy.map((m) => t(`hints.by.${m}`)).join(', ') })}{' '}
        {weak ? <strong className="hint__weak">{t('hints.weak')}</strong> : <span>{t('hints.strong')}</span>}
      </p>
      <p>
        {where.kind === 'report' && (
          <>
            {t('hints.inReport')}{' '}
            <Link to="/triage/$reportId" params={{ reportId: where.id }}>
              {where.reference}
            </Link>{' '}
            ({t(`triage.statuses.${where.status}`)})
          </>
        )}
        {where.kind === 'case' && (
          <>
            {t('hints.inCase')}{' '}
            <Link to="/cases/$caseId" params={{ caseId: where.id }}>
              {where.reference}
            </Link>{' '}
            ({t(`cases.status.${where.status}`)})
          </>
        )}
        {where.kind === 'other_case' &&
          (where.lead?.displayName
            ? t('hints.otherCase', { name: where.lead.displayName })
            : t('hints.otherCaseNoLead'))}
      </p>
    </>
  );
}

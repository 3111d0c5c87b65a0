import { useTranslation } from 'react-i18next';
import type { ReportContent } from '../../../contract/reports.ts';
import { useDay } from './useDay.ts';

const PERSON_LINES = ['name', 'orgUnit', 'contact', 'employeeNumber'] as const;

/**
 * A report's content, read-only, every text shown as typed (React escapes it; markup stays text). Persons are
 * numbered as in the form, which is how known-person hints name them.
 */
export function ReportContentView({
  content,
  audience,
  level = 'h3',
  identitiesHidden = false,
}: {
  content: ReportContent;
  audience: 'reporter' | 'team';
  /** Its headings' level: one below the heading it sits under (a report of a case sits under an h3). */
  level?: 'h3' | 'h4';
  /** The persons' identifying fields came blank (the reader's scope lacks identities): say so, once per person. */
  identitiesHidden?: boolean;
}) {
  const { t } = useTranslation();
  const H = level;
  const day = useDay();
  const team = audience === 'team';
  const notGiven = <span className="muted">{t('content.notGiven')}</span>;
  return (
    <div className="report-content">
      <dl className="case-facts">
        <div>
          <dt>{t('content.urgency')}</dt>
          <dd>{team ? t(`triage.urgency.${content.urgency}`) : t(`intake.urgency.${content.urgency}`)}</dd>
        </div>
        <div>
          <dt>{t('content.incidentDate')}</dt>
          <dd>{content.incidentDate === '' ? notGiven : day(content.incidentDate)}</dd>
        </div>
        <div>
          <dt>{t('content.whenDetail')}</dt>
          <dd>{content.whenDetail === '' ? notGiven : content.whenDetail}</dd>
        </div>
        <div>
          <dt>{t('content.location')}</dt>
          <dd>{content.location === '' ? notGiven : content.location}</dd>
        </div>
      </dl>
      <H>{t('content.whatHappened')}</H>
      <p className="case-text">{content.whatHappened}</p>
      <H>{t('content.persons')}</H>
      {content.persons.length === 0 ? (
        <p className="muted">{t('content.noPersons')}</p>
      ) : (
        <ol className="person-list">
          {content.persons.map((person, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a person of a report is its place in the list.
            <li key={i} className="person">
              <p className="person__title">
                {t('intake.persons.legend', { number: i + 1 })}:{' '}
                {team ? t(`triage.roles.${person.role}`) : t(`intake.roles.${person.role}`)}
              </p>
              <dl className="facts">
                {identitiesHidden && (
                  <div>
                    <dt>{t('content.identity')}</dt>
                    <dd>{t('cases.reports.hidden')}</dd>
                  </div>
                )}
                {PERSON_LINES.filter((field) => person[field] !== '').map((field) => (
                  <div key={field}>
                    <dt>{t(`intake.persons.${field}`)}</dt>
                    <dd>{person[field]}</dd>
                  </div>
                ))}
                {person.dateOfBirth !== '' && (
                  <div>
                    <dt>{t('intake.persons.dateOfBirth')}</dt>
                    <dd>{day(person.dateOfBirth)}</dd>
                  </div>
                )}
              </dl>
              {person.description !== '' && <p className="case-text">{person.description}</p>}
            </li>
          ))}
        </ol>
      )}
      <H>{t('content.behaviours')}</H>
      {content.behaviours.length === 0 ? (
        <p className="muted">{t('content.noBehaviours')}</p>
      ) : (
        <ul className="behaviour-list">
          {content.behaviours.map(({ behaviour, answer }) => (
            <li key={behaviour}>
              {t(`intake.behaviours.${behaviour}.title`)}
              {team && ` (${t(`triage.behaviours.${behaviour}`)})`}: <strong>{t(`intake.answers.${answer}`)}</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

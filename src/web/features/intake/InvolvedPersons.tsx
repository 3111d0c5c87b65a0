import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { REPORT_LIMITS } from '../../../contract/reports.ts';
import { InvolvedPersonFields } from './InvolvedPersonFields.tsx';
import { fieldId, newPerson, type PersonDraft } from './report-draft.ts';

/**
 * The persons of a report, added and removed one by one (at most REPORT_LIMITS.persons). Focus follows: to the
 * new person's first field, or back to the add button after a removal, so that keyboard users are not lost.
 */
export function InvolvedPersons({
  form,
  persons,
  onChange,
  errors,
  today,
  team,
}: {
  form: string;
  persons: readonly PersonDraft[];
  onChange: (persons: readonly PersonDraft[]) => void;
  errors: Readonly<Record<string, string>>;
  today: string;
  /** The team's words for the roles, not the reporter's. */
  team: boolean;
}) {
  const { t } = useTranslation();
  const addButton = useRef<HTMLButtonElement>(null);
  const full = persons.length >= REPORT_LIMITS.persons;
  const add = () => {
    const index = persons.length;
    onChange([...persons, newPerson()]);
    window.setTimeout(() => document.getElementById(fieldId(form, `persons.${index}.role`))?.focus(), 0);
  };
  const remove = (key: string) => {
    onChange(persons.filter((p) => p.key !== key));
    window.setTimeout(() => addButton.current?.focus(), 0);
  };
  return (
    <>
      {persons.length === 0 && <p className="muted">{t('intake.persons.none')}</p>}
      {persons.map((person, index) => (
        <InvolvedPersonFields
          key={person.key}
          form={form}
          index={index}
          person={person}
          onChange={(changed) => onChange(persons.map((p) => (p.key === person.key ? changed : p)))}
          onRemove={() => remove(person.key)}
          errors={errors}
          today={today}
          team={team}
        />
      ))}
      <div className="form__actions">
        <button
          ref={addButton}
          type="button"
          className="button button--secondary"
          onClick={add}
          disabled={full}
          aria-describedby={full ? `${form}-persons-full` : undefined}
        >
          {t('intake.persons.add')}
        </button>
        {full && (
          <p className="muted" id={`${form}-persons-full`}>
            {t('intake.persons.full', { max: REPORT_LIMITS.persons })}
          </p>
        )}
      </div>
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { INVOLVED_ROLES, REPORT_LIMITS } from '../../../contract/reports.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { birthDateWarning } from './days.ts';
import { fieldId, type PersonDraft } from './report-draft.ts';

const LINES = ['name', 'orgUnit', 'contact', 'employeeNumber'] as const;

/** One person named in a report: how they are involved, and whatever else is known; all but the role may stay empty. */
export function InvolvedPersonFields({
  form,
  index,
  person,
  onChange,
  onRemove,
  errors,
  today,
  team,
}: {
  form: string;
  index: number;
  person: PersonDraft;
  onChange: (person: PersonDraft) => void;
  onRemove: () => void;
  errors: Readonly<Record<string, string>>;
  today: string;
  team: boolean;
}) {
  const { t } = useTranslation();
  const path = (field: string) => `persons.${index}.${field}`;
  const id = (field: string) => fieldId(form, path(field));
  const warning = birthDateWarning(person.dateOfBirth, today);
  const number = index + 1;
  return (
    <fieldset className="person-fields">
      <legend>{t('intake.persons.legend', { number })}</legend>
      <SelectField
        id={id('role')}
        label={t('intake.persons.role')}
        value={person.role}
        placeholder={t('intake.persons.chooseRole')}
        options={INVOLVED_ROLES.map((role) => ({
          value: role,
          label: team ? t(`triage.roles.${role}`) : t(`intake.roles.${role}`),
        }))}
        onChange={(role) => onChange({ ...person, role })}
        error={errors[path('role')]}
        required
      />
      {LINES.map((field) => (
        <TextField
          key={field}
          id={id(field)}
          label={t(`intake.persons.${field}`)}
          {...(field === 'contact' ? { hint: t('intake.persons.contactHint') } : {})}
          value={person[field]}
          onChange={(value) => onChange({ ...person, [field]: value })}
          error={errors[path(field)]}
          maxLength={REPORT_LIMITS.personField}
          autoComplete="off"
          counted
        />
      ))}
      <TextField
        id={id('dateOfBirth')}
        type="date"
        label={t('intake.persons.dateOfBirth')}
        value={person.dateOfBirth}
        onChange={(dateOfBirth) => onChange({ ...person, dateOfBirth })}
        error={errors[path('dateOfBirth')]}
        warning={warning === undefined ? undefined : t(`intake.persons.birthWarning.${warning}`)}
        max={today}
      />
      <TextArea
        id={id('description')}
        label={t('intake.persons.description')}
        hint={t('intake.persons.descriptionHint')}
        value={person.description}
        onChange={(description) => onChange({ ...person, description })}
        error={errors[path('description')]}
        maxLength={REPORT_LIMITS.personDescription}
        counted
        rows={3}
      />
      <div className="form__actions">
        <button type="button" className="button button--secondary button--small" onClick={onRemove}>
          {t('intake.persons.remove', { number })}
        </button>
      </div>
    </fieldset>
  );
}

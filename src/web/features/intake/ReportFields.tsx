import { useTranslation } from 'react-i18next';
import { BehaviourChecklist } from './BehaviourChecklist.tsx';
import { FormStep } from './FormStep.tsx';
import { IncidentFields } from './IncidentFields.tsx';
import { InvolvedPersons } from './InvolvedPersons.tsx';
import type { FormMode, ReportDraft } from './report-draft.ts';
import { UrgencyFieldset } from './UrgencyFieldset.tsx';

/**
 * The four steps every report has, whoever sends it: how urgent, what happened, who is involved, which warning
 * signs. Numbered from `first` of `total` (a recorded report has a step before them, the web form one after).
 */
export function ReportFields({
  form,
  draft,
  onChange,
  errors,
  today,
  mode,
  first,
  total,
}: {
  form: string;
  draft: ReportDraft;
  onChange: (draft: ReportDraft) => void;
  errors: Readonly<Record<string, string>>;
  today: string;
  mode: FormMode;
  first: number;
  total: number;
}) {
  const { t } = useTranslation();
  return (
    <>
      <FormStep id={`${form}-urgency-step`} number={first} total={total} title={t('intake.urgency.heading')}>
        <UrgencyFieldset
          form={form}
          value={draft.urgency}
          onChange={(urgency) => onChange({ ...draft, urgency })}
          error={errors.urgency}
        />
      </FormStep>
      <FormStep id={`${form}-what-step`} number={first + 1} total={total} title={t('intake.what.heading')}>
        <IncidentFields
          form={form}
          values={draft}
          onChange={(values) => onChange({ ...draft, ...values })}
          errors={errors}
          today={today}
          mode={mode}
        />
      </FormStep>
      <FormStep
        id={`${form}-persons-step`}
        number={first + 2}
        total={total}
        title={t('intake.persons.heading')}
        intro={t('intake.persons.intro')}
      >
        <InvolvedPersons
          form={form}
          persons={draft.persons}
          onChange={(persons) => onChange({ ...draft, persons })}
          errors={errors}
          today={today}
          team={mode === 'record'}
        />
      </FormStep>
      <FormStep
        id={`${form}-behaviours-step`}
        number={first + 3}
        total={total}
        title={t('intake.behaviours.heading')}
        intro={t('intake.behaviours.intro')}
      >
        <BehaviourChecklist
          form={form}
          answers={draft.behaviours}
          onChange={(behaviour, answer) =>
            onChange({ ...draft, behaviours: { ...draft.behaviours, [behaviour]: answer } })
          }
        />
      </FormStep>
    </>
  );
}

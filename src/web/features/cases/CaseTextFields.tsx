import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { SUMMARY_MAX, TITLE_MAX } from '../../../contract/cases.ts';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import type { TextProblems } from './case-texts.ts';

export interface CaseTextValues {
  readonly title: string;
  readonly summary: string;
  /** As typed: comma-separated. */
  readonly tags: string;
}

/** Title, summary and tags: the same fields when a case is opened and when it is edited. */
export function CaseTextFields({
  idPrefix,
  values,
  onChange,
  problems,
  titleHint,
  titleRef,
}: {
  readonly idPrefix: string;
  readonly values: CaseTextValues;
  readonly onChange: (values: CaseTextValues) => void;
  readonly problems: TextProblems;
  readonly titleHint?: string;
  readonly titleRef?: Ref<HTMLInputElement>;
}) {
  const { t } = useTranslation();
  const set = (field: keyof CaseTextValues) => (value: string) => onChange({ ...values, [field]: value });
  return (
    <>
      <TextField
        id={`${idPrefix}-title`}
        label={t('cases.fields.title')}
        {...(titleHint === undefined ? {} : { hint: titleHint })}
        value={values.title}
        onChange={set('title')}
        error={problems.title}
        maxLength={TITLE_MAX}
        {...(titleRef === undefined ? {} : { inputRef: titleRef })}
        required
      />
      <TextArea
        id={`${idPrefix}-summary`}
        label={t('cases.fields.summary')}
        value={values.summary}
        onChange={set('summary')}
        error={problems.summary}
        maxLength={SUMMARY_MAX}
        rows={6}
      />
      <TextField
        id={`${idPrefix}-tags`}
        label={t('cases.fields.tags')}
        hint={t('cases.fields.tagsHint')}
        value={values.tags}
        onChange={set('tags')}
        error={problems.tags}
      />
    </>
  );
}

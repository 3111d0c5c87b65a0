import { useTranslation } from 'react-i18next';
import { CASE_SECTIONS, type CaseSection } from '../../../contract/cases.ts';

export interface Scope {
  readonly full: boolean;
  readonly sections: readonly CaseSection[];
}

/** The whole case, or chosen sections: a radio pair, then a checkbox per section. */
export function ScopeFields({
  id,
  scope,
  onChange,
  error,
}: {
  readonly id: string;
  readonly scope: Scope;
  readonly onChange: (scope: Scope) => void;
  readonly error?: string | undefined;
}) {
  const { t } = useTranslation();
  const toggle = (section: CaseSection, on: boolean) =>
    onChange({
      full: false,
      sections: on ? [...scope.sections, section] : scope.sections.filter((s) => s !== section),
    });
  return (
    <fieldset className="choices" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{t('cases.scope.label')}</legend>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <label className="choice">
        <input
          type="radio"
          name={`${id}-kind`}
          checked={scope.full}
          onChange={() => onChange({ full: true, sections: [] })}
        />
        {t('cases.scope.full')}
      </label>
      <label className="choice">
        <input
          type="radio"
          name={`${id}-kind`}
          checked={!scope.full}
          onChange={() => onChange({ full: false, sections: scope.sections })}
        />
        {t('cases.scope.chosen')}
      </label>
      {!scope.full &&
        CASE_SECTIONS.map((section) => (
          <label key={section} className="choice">
            <input
              type="checkbox"
              checked={scope.sections.includes(section)}
              onChange={(event) => toggle(section, event.target.checked)}
            />
            {t(`cases.sections.${section}`)}
          </label>
        ))}
    </fieldset>
  );
}

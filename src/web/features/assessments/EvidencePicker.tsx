import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EVIDENCE_MAX, type Evidence } from '../../../contract/assessments.ts';
import { ids } from './fields.ts';
import { useAssessmentForm } from './form-context.ts';

const NONE: Evidence = { entries: [], documents: [] };

/**
 * The timeline entries and documents an item's rating rests on, as checkboxes behind a summary
 * that counts them. Only sections the reader's scope holds are listed; otherwise the links stay as
 * they are, counted. The lists are drawn only when opened: a model has dozens of items.
 */
export function EvidencePicker({
  itemKey,
  evidence,
  onChange,
  required,
}: {
  itemKey: string;
  evidence: Evidence | undefined;
  onChange: (evidence: Evidence) => void;
  required: boolean;
}) {
  const { t } = useTranslation();
  const { sources, problemAt } = useAssessmentForm();
  const [open, setOpen] = useState(false);
  const linked = evidence ?? NONE;
  const id = ids.facet(itemKey, 'evidence');
  const error = problemAt(id);
  const counts = t('assessments.evidence.summary', {
    entries: t('assessments.evidence.entryCount', { count: linked.entries.length }),
    documents: t('assessments.evidence.documentCount', { count: linked.documents.length }),
  });
  return (
    <details
      className={`as-evidence${error ? ' field--invalid' : ''}`}
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary id={id} aria-describedby={error ? `${id}-error` : undefined}>
        {counts}
        {required && <span className="as-required"> {t('assessments.item.requiredByRule')}</span>}
      </summary>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {open && (
        <div className="as-evidence__lists">
          <Links
            id={`${id}-entries`}
            legend={t('assessments.evidence.entries')}
            options={sources.entries}
            chosen={linked.entries}
            unlisted={t('assessments.evidence.unlistedEntry')}
            hidden={t('assessments.evidence.entriesHidden')}
            onChange={(entries) => onChange({ ...linked, entries })}
          />
          <Links
            id={`${id}-documents`}
            legend={t('assessments.evidence.documents')}
            options={sources.documents}
            chosen={linked.documents}
            unlisted={t('assessments.evidence.unlistedDocument')}
            hidden={t('assessments.evidence.documentsHidden')}
            onChange={(documents) => onChange({ ...linked, documents })}
          />
        </div>
      )}
    </details>
  );
}

function Links({
  id,
  legend,
  options,
  chosen,
  unlisted,
  hidden,
  onChange,
}: {
  id: string;
  legend: string;
  options: readonly { readonly id: string; readonly label: string }[] | null;
  chosen: readonly string[];
  /** A link to something not in the list shown (an older entry): kept, and can be taken off. */
  unlisted: string;
  /** The section is not the reader's: the links stay as they are. */
  hidden: string;
  onChange: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  if (options === null) return <p className="field__hint">{hidden}</p>;
  const known = new Set(options.map((o) => o.id));
  const all = [...options, ...chosen.filter((c) => !known.has(c)).map((c) => ({ id: c, label: unlisted }))];
  const full = chosen.length >= EVIDENCE_MAX;
  return (
    <fieldset id={id} className="choices">
      <legend>{legend}</legend>
      {all.length === 0 && <p className="field__hint">{t('assessments.evidence.none')}</p>}
      {full && <p className="field__hint">{t('assessments.evidence.full', { max: EVIDENCE_MAX })}</p>}
      {all.map((o) => {
        const checked = chosen.includes(o.id);
        return (
          <label key={o.id} className="choice">
            <input
              type="checkbox"
              value={o.id}
              checked={checked}
              disabled={!checked && full}
              onChange={(event) =>
                onChange(event.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id))
              }
            />
            {o.label}
          </label>
        );
      })}
    </fieldset>
  );
}

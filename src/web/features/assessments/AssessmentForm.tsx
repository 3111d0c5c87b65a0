import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AssessmentDetail, FORMULATION_MAX } from '../../../contract/assessments.ts';
import type { UserRef } from '../../../contract/cases.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { domainShown } from '../../../contract/models/validate.ts';
import { ApiError, problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { caseQuery } from '../cases/cases-api.ts';
import { bodyOf, type Draft, draftOf, isDirty, outOfForm } from './assessment-draft.ts';
import { assessmentQuery, assessmentsKey, finaliseAssessment, saveAssessment } from './assessments-api.ts';
import { AssessmentText } from './Controls.tsx';
import { FinaliseBar } from './FinaliseBar.tsx';
import { ids, parseField, targetsOf } from './fields.ts';
import { AssessmentFormContext, type EvidenceSources, type AssessmentForm as FormState } from './form-context.ts';
import { DomainFields } from './ItemFields.tsx';
import { JudgmentsEditor } from './JudgmentsEditor.tsx';
import { OutcomePanel } from './OutcomePanel.tsx';
import { ScenariosEditor } from './ScenariosEditor.tsx';
import { useFieldText } from './useAssessmentText.ts';

/** What the server refused a field for: a blocker's code, or a refusal's message. */
export interface FieldProblem {
  readonly field: string;
  readonly text: string;
}

/**
 * The assessment as a form: every item of the model in order, the formulation, the scenarios, what
 * the rules computed, the final judgments; saved as a whole, then finalised. Whatever the server
 * answers, what was typed stays in the form; when the assessment was saved elsewhere meanwhile,
 * its newer version can be loaded beneath the typed content and the typed content saved over it.
 */
export function AssessmentForm({
  caseId,
  initial,
  model,
  raters,
  sources,
  mine,
}: {
  caseId: string;
  initial: AssessmentDetail;
  model: ModelDefinition;
  /** The raters of a consensus's basis, who may dissent; null for any other kind. */
  raters: readonly UserRef[] | null;
  sources: EvidenceSources;
  /** Whether the reader is its rater: only they change a draft. */
  mine: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const fieldText = useFieldText(model);
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial.content));
  // A new value redraws the form from the draft (after "use the saved version"), resetting fields that keep their own text.
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<{ kind: 'saved' | 'finalised' | 'reloaded'; at: number } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const assessment = saved;
  // Withheld items and optional items not in use here are neither shown, nor sent, nor counted as unsaved.
  const hidden = outOfForm(saved);
  const unused = new Set(saved.unused);
  const dirty = isDirty(draft, saved.content, hidden);
  const locked = saved.status === 'final' || !mine;

  const remember = (next: AssessmentDetail) => {
    setSaved(next);
    client.setQueryData(assessmentQuery(caseId, next.id).queryKey, next);
    void client.invalidateQueries({ queryKey: [...assessmentsKey(caseId), 'list'] });
  };
  const save = useMutation({
    mutationFn: (sent: Draft) => saveAssessment(caseId, assessment.id, bodyOf(sent, assessment.version, hidden)),
    onMutate: () => setFailure(null),
    onSuccess: (next, sent) => {
      remember(next);
      // The server's own form of what was sent, unless more was typed while it was on its way.
      setDraft((current) => (current === sent ? draftOf(next.content) : current));
      setNotice({ kind: 'saved', at: Date.now() });
    },
    onError: setFailure,
  });
  const finalise = useMutation({
    // Unsaved changes are saved first: finalising what the server has would leave them out.
    mutationFn: async () => {
      let version = assessment.version;
      if (dirty) {
        const next = await saveAssessment(caseId, assessment.id, bodyOf(draft, version, hidden));
        remember(next);
        version = next.version;
      }
      return finaliseAssessment(caseId, assessment.id, version);
    },
    onMutate: () => setFailure(null),
    onSuccess: (final) => {
      remember(final);
      setDraft(draftOf(final.content));
      setGeneration((g) => g + 1);
      setNotice({ kind: 'finalised', at: Date.now() });
      // The case's priority follows a finalised single or consensus assessment.
      void client.invalidateQueries({ queryKey: caseQuery(caseId).queryKey, exact: true });
      window.scrollTo({ top: 0 });
    },
    onError: setFailure,
  });
  /** Loads the version saved elsewhere: the outcome and version become its, the typed content stays. */
  const reload = async () => {
    const latest = await client.fetchQuery({ ...assessmentQuery(caseId, assessment.id), staleTime: 0 });
    setSaved(latest);
    setFailure(null);
    setNotice({ kind: 'reloaded', at: Date.now() });
  };
  const takeSavedVersion = () => {
    setDraft(draftOf(saved.content));
    setGeneration((g) => g + 1);
    setNotice(null);
  };

  const problem = failure instanceof ApiError ? failure.problem : undefined;
  const code = problemCode(failure);
  const refused: FieldProblem[] =
    code === 'validation_failed'
      ? (problem?.errors ?? []).map((e) => ({
          field: e.path,
          text: t('assessments.errors.field', { field: fieldText.field(e.path), message: e.message }),
        }))
      : [];
  const blockers = code === 'assessment_incomplete' && problem?.blockers ? problem.blockers : saved.outcome.blockers;
  const listed: FieldProblem[] = [
    ...refused,
    ...(locked ? [] : blockers.map((b) => ({ field: b.field, text: fieldText.blocker(b) }))),
  ];
  const refusal =
    code === 'validation_failed' && refused.length > 0
      ? { kind: 'invalid' as const, failure }
      : code === 'assessment_incomplete'
        ? { kind: 'incomplete' as const, failure }
        : null;
  // Explained beside the buttons; any other failure is an alert there.
  const explained = refusal !== null || code === 'stale_version';
  // At the fields themselves only once the server refused: a new draft waits for much, and is not wrong for it.
  const atControl = new Map<string, string>();
  for (const p of refusal === null ? [] : listed) {
    const first = targetsOf(parseField(p.field))[0];
    if (first !== undefined && !atControl.has(first)) atControl.set(first, p.text);
  }

  const state: FormState = {
    model,
    draft,
    update: (change) => setDraft((d) => change(d)),
    locked,
    previous: saved.previous,
    disagreements: new Map(saved.disagreements.map((d) => [d.key, d.ratings])),
    withheld: new Set(saved.withheld),
    unused,
    required: new Set(saved.outcome.required),
    sources,
    problemAt: (id) => atControl.get(id),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!locked) save.mutate(draft);
  };
  const formulationAsked =
    model.formulation.required === 'always' ||
    saved.outcome.required.includes('formulation') ||
    (model.formulation.required === 'by_rule' && !locked) ||
    draft.formulation !== '';

  return (
    <AssessmentFormContext.Provider value={state}>
      {notice?.kind === 'finalised' && (
        <Alert tone="success" focus focusKey={notice.at}>
          <p>{t('assessments.form.finalised')}</p>
        </Alert>
      )}
      {notice?.kind === 'reloaded' && (
        <Alert
          tone="info"
          title={t('assessments.stale.loadedTitle', { version: saved.version })}
          focus
          focusKey={notice.at}
        >
          <p>{t(saved.status === 'final' ? 'assessments.stale.loadedFinal' : 'assessments.stale.loaded')}</p>
          {saved.status !== 'final' && (
            <button type="button" className="button button--secondary button--small" onClick={takeSavedVersion}>
              {t('assessments.stale.useSaved')}
            </button>
          )}
        </Alert>
      )}
      <form className="stack as-form" onSubmit={submit} noValidate key={generation}>
        {model.domains
          .filter((d) => domainShown(d, unused))
          .map((d) => (
            <DomainFields key={d.key} domain={d} level={2} />
          ))}
        {formulationAsked && (
          <section className="card" aria-labelledby="as-formulation-heading">
            <h2 id="as-formulation-heading">{t('assessments.formulation.heading')}</h2>
            <AssessmentText
              id={ids.formulation}
              label={t('assessments.formulation.label')}
              hint={t(
                model.formulation.required === 'always' || saved.outcome.required.includes('formulation')
                  ? 'assessments.formulation.required'
                  : 'assessments.formulation.hint',
              )}
              value={draft.formulation}
              maxLength={FORMULATION_MAX}
              rows={8}
              onChange={(formulation) => setDraft((d) => ({ ...d, formulation }))}
            />
          </section>
        )}
        {model.scenarios !== undefined && <ScenariosEditor scenarios={model.scenarios} />}
        <OutcomePanel outcome={saved.outcome} dirty={dirty && !locked} />
        <JudgmentsEditor raters={raters} />
        {!locked && (
          <FinaliseBar
            dirty={dirty}
            problems={listed}
            refusal={refusal}
            failure={explained ? null : failure}
            stale={code === 'stale_version'}
            saving={save.isPending}
            finalising={finalise.isPending}
            savedAt={notice?.kind === 'saved' ? notice.at : null}
            onReload={() => void reload().catch(setFailure)}
            onFinalise={() => finalise.mutate()}
          />
        )}
      </form>
      {locked && failure !== null && <ErrorAlert error={failure} />}
    </AssessmentFormContext.Provider>
  );
}

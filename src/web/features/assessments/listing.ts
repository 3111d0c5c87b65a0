import { type AssessmentList, type AssessmentSummary, modelId } from '../../../contract/assessments.ts';

/** A case's assessments as the screens read them: each with its model version and rater written out. */
export interface Assessments extends Omit<AssessmentList, 'assessments' | 'models' | 'raters'> {
  readonly assessments: AssessmentSummary[];
}

/**
 * The list the server sends names each model version and rater once; this resolves the references.
 * The contract refuses a list with a reference it does not resolve, so a miss here is a mistake.
 */
export function expanded(list: AssessmentList): Assessments {
  const models = new Map(list.models.map((m) => [modelId(m), m]));
  const raters = new Map(list.raters.map((r) => [r.id, r]));
  return {
    review: list.review,
    incidents: list.incidents,
    assessments: list.assessments.map(({ model, rater, ...rest }) => {
      const listed = models.get(modelId(model));
      if (listed === undefined) throw new Error(`the list names no model ${modelId(model)}`);
      const { kind, ...pin } = listed;
      return { ...rest, model: pin, modelKind: kind, rater: rater === null ? null : (raters.get(rater) ?? null) };
    }),
  };
}

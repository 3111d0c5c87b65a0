import { createContext, useContext } from 'react';
import type { AssessmentDetail, ItemRating } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import type { Draft } from './assessment-draft.ts';

/** What evidence a rater can link: null where the reader's scope does not hold the section. */
export interface EvidenceSources {
  readonly entries: readonly { readonly id: string; readonly label: string }[] | null;
  readonly documents: readonly { readonly id: string; readonly label: string }[] | null;
}

/**
 * What every part of the assessment form reads: the model, the content as typed, how to change
 * it, and what the server said at the last save. One context, so that a domain's items need not
 * pass it all down.
 */
export interface AssessmentForm {
  readonly model: ModelDefinition;
  readonly draft: Draft;
  readonly update: (change: (draft: Draft) => Draft) => void;
  /** Finalised (or not the reader's): shown, never changed. */
  readonly locked: boolean;
  /** The ratings it started from, to mark what changed. */
  readonly previous: Readonly<Record<string, ItemRating>> | null;
  readonly withheld: ReadonlySet<string>;
  /** The model's optional items not in use in this assessment: not part of the form at all. */
  readonly unused: ReadonlySet<string>;
  /** A consensus: where its raters rated an item differently, each one's rating, by item. */
  readonly disagreements: ReadonlyMap<string, AssessmentDetail['disagreements'][number]['ratings']>;
  /** Fields the model's rules made required at the last save (`pathway.evidence`, `formulation`). */
  readonly required: ReadonlySet<string>;
  readonly sources: EvidenceSources;
  /** A problem the server reported, in words, by the id of the control it concerns. */
  readonly problemAt: (id: string) => string | undefined;
}

export const AssessmentFormContext = createContext<AssessmentForm | null>(null);

export function useAssessmentForm(): AssessmentForm {
  const form = useContext(AssessmentFormContext);
  if (form === null) throw new Error('useAssessmentForm outside the assessment form');
  return form;
}

import { useTranslation } from 'react-i18next';
import type { FieldProblem } from './validation.ts';

/** Turns a field problem into its message in the UI language. */
export function useFieldText(): (problem: FieldProblem | undefined) => string | undefined {
  const { t } = useTranslation();
  return (problem) => {
    if (problem === undefined) return undefined;
    return 'values' in problem ? t(problem.key, problem.values) : t(problem.key);
  };
}

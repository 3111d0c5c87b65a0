import { useTranslation } from 'react-i18next';
import type { Problem, Problems } from './report-draft.ts';

/** The form's problems in the user's language, by path. */
export function useProblemTexts(problems: Problems): Readonly<Record<string, string>> {
  const { t } = useTranslation();
  const text = (problem: Problem) => ('values' in problem ? t(problem.key, problem.values) : t(problem.key));
  return Object.fromEntries(Object.entries(problems).map(([path, problem]) => [path, text(problem)]));
}

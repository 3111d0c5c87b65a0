import { useTranslation } from 'react-i18next';
import { isPlaced, type Problems } from './report-draft.ts';
import { useProblemTexts } from './useProblemText.ts';

/**
 * Above a refused report form: how many entries need attention (each is marked at its field), and those the form
 * has no field for, with the server's path. Focusable, for the rare refusal that names no field.
 */
export function FormProblems({ problems, persons }: { problems: Problems; persons: number }) {
  const { t } = useTranslation();
  const texts = useProblemTexts(problems);
  const paths = Object.keys(problems);
  if (paths.length === 0) return null;
  const unplaced = paths.filter((path) => !isPlaced(path, persons));
  return (
    <div className="alert alert--error form-problems" role="alert" tabIndex={-1}>
      <p className="alert__title">{t('intake.problems.title', { count: paths.length })}</p>
      <div className="alert__body">
        {unplaced.length < paths.length && <p>{t('intake.problems.marked')}</p>}
        {unplaced.length > 0 && (
          <ul>
            {unplaced.map((path) => (
              <li key={path}>
                <code>{path}</code>: {texts[path]}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

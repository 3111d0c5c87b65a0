import type { MouseEvent } from 'react';
import { parseField, targetsOf } from './fields.ts';
import { focusField } from './focus-field.ts';

export interface ListedProblem {
  readonly field: string;
  readonly text: string;
}

/**
 * Problems named by field, each a link to its control: following one moves the keyboard there (a
 * plain fragment link would only scroll). A field the page does not show is listed without a link.
 */
export function ProblemsList({ problems }: { problems: readonly ListedProblem[] }) {
  return (
    <ul className="as-problems">
      {problems.map((p) => {
        const targets = targetsOf(parseField(p.field));
        const first = targets[0];
        const follow = (event: MouseEvent) => {
          if (focusField(targets)) event.preventDefault();
        };
        return (
          <li key={`${p.field}:${p.text}`}>
            {first === undefined ? (
              p.text
            ) : (
              <a href={`#${first}`} onClick={follow}>
                {p.text}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** One step of a report form: a card whose heading says which step of how many, so the form reads as a guide. */
export function FormStep({
  id,
  number,
  total,
  title,
  intro,
  children,
}: {
  id: string;
  number: number;
  total: number;
  title: string;
  intro?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="card report-step" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        <span className="report-step__number">{t('intake.step', { number, total })}</span> {title}
      </h2>
      {intro && <p>{intro}</p>}
      {children}
    </section>
  );
}

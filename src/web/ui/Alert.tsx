import { type ReactNode, type Ref, useEffect, useRef } from 'react';

export interface AlertProps {
  readonly tone: 'error' | 'success' | 'info' | 'warning';
  readonly children: ReactNode;
  /** Moves focus to the message when it appears (after a submit), so keyboard and screen reader users land on it. */
  readonly focus?: boolean;
  /** With `focus`: a new value (e.g. the next error object) moves focus to the message again. */
  readonly focusKey?: unknown;
  readonly title?: string;
  readonly id?: string;
}

/**
 * A message box. Errors are role=alert (announced at once); the others role=status. With `focus` it takes focus
 * when shown, which also makes a screen reader read it.
 */
export function Alert({ tone, children, focus = false, focusKey, title, id }: AlertProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus && focusKey !== null) ref.current?.focus();
  }, [focus, focusKey]);
  return (
    <div
      id={id}
      ref={ref as Ref<HTMLDivElement>}
      className={`alert alert--${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
      tabIndex={focus ? -1 : undefined}
    >
      {title && <p className="alert__title">{title}</p>}
      <div className="alert__body">{children}</div>
    </div>
  );
}

import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A page's h1. With `focus` it takes focus when shown: for a view that replaces a form after its submit (the
 * form's button is gone), so that keyboard and screen reader users start reading at the new content.
 */
export function Heading({ id, children, focus = false }: { id: string; children: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <h1 id={id} ref={ref} tabIndex={-1} className="page__heading">
      {children}
    </h1>
  );
}

import type { ReactNode } from 'react';

/** The ids of a field's hint, error, warning and character count, as its control names them in aria-describedby. */
export function describedBy(
  id: string,
  hint: string | undefined,
  error: string | undefined,
  counted = false,
  warning?: string,
): string | undefined {
  return (
    [
      hint ? `${id}-hint` : undefined,
      error ? `${id}-error` : undefined,
      warning ? `${id}-warning` : undefined,
      counted ? `${id}-count` : undefined,
    ]
      .filter(Boolean)
      .join(' ') || undefined
  );
}

/**
 * A form control's label, hint and error around it: the frame every field of the app shares. A warning asks to
 * check a value that is allowed but unlikely (it does not stop the form).
 */
export function FieldFrame({
  id,
  label,
  hint,
  error,
  warning,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly error?: string | undefined;
  readonly warning?: string | undefined;
  readonly children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {warning && (
        <p className="field__warning" id={`${id}-warning`}>
          {warning}
        </p>
      )}
      {children}
    </div>
  );
}

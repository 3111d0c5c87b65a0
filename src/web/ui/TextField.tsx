import type { Ref } from 'react';
import { describedBy, FieldFrame } from './FieldFrame.tsx';

export interface TextFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly type?: 'text' | 'email' | 'password' | 'datetime-local' | 'date';
  readonly autoComplete?: string;
  readonly hint?: string;
  /** The field's error, announced with the field (aria-describedby) and marked aria-invalid. */
  readonly error?: string | undefined;
  readonly required?: boolean;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly maxLength?: number;
  /** The form's name of the field (for focusing the first invalid one). */
  readonly name?: string;
  /** The on-screen keyboard to offer, e.g. digits only for a code. */
  readonly inputMode?: 'text' | 'numeric';
  readonly autoCapitalize?: 'none' | 'off';
}

/** A labelled input with an optional hint and error, both tied to it by aria-describedby. */
export function TextField({
  id,
  label,
  value,
  onChange,
  type = 'text',
  hint,
  error,
  inputRef,
  ...rest
}: TextFieldProps) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        ref={inputRef}
        className="field__input"
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        spellCheck={type === 'text' ? undefined : false}
        {...rest}
      />
    </FieldFrame>
  );
}

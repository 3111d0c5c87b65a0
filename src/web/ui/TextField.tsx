import type { Ref } from 'react';
import { CharacterCount } from './CharacterCount.tsx';
import { describedBy, FieldFrame } from './FieldFrame.tsx';

export interface TextFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly type?: 'text' | 'email' | 'password' | 'datetime-local' | 'date' | 'time';
  readonly autoComplete?: string;
  readonly hint?: string;
  /** The field's error, announced with the field (aria-describedby) and marked aria-invalid. */
  readonly error?: string | undefined;
  /** A value that is allowed but unlikely: shown and announced, without marking the field invalid. */
  readonly warning?: string | undefined;
  readonly required?: boolean;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly maxLength?: number;
  /** With maxLength: shows how many characters are used of how many. */
  readonly counted?: boolean;
  /** The latest (or earliest) day a date field offers, YYYY-MM-DD. */
  readonly max?: string;
  readonly min?: string;
  /** The form's name of the field (for focusing the first invalid one). */
  readonly name?: string;
  /** The on-screen keyboard to offer, e.g. digits only for a code. */
  readonly inputMode?: 'text' | 'numeric';
  readonly autoCapitalize?: 'none' | 'off';
  /** Off for codes and names, which a spell checker would only mark (or send to a spelling service). */
  readonly spellCheck?: boolean;
  readonly className?: string;
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
  warning,
  inputRef,
  counted = false,
  className,
  ...rest
}: TextFieldProps) {
  const count = counted && rest.maxLength !== undefined ? rest.maxLength : undefined;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} warning={warning}>
      <input
        id={id}
        ref={inputRef}
        className={className === undefined ? 'field__input' : `field__input ${className}`}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, hint, error, count !== undefined, warning)}
        aria-invalid={error ? true : undefined}
        spellCheck={type === 'text' ? undefined : false}
        {...rest}
      />
      {count !== undefined && <CharacterCount id={`${id}-count`} length={value.length} max={count} />}
    </FieldFrame>
  );
}

import { CharacterCount } from './CharacterCount.tsx';
import { describedBy, FieldFrame } from './FieldFrame.tsx';

/** A labelled multi-line input with an optional hint and error, both tied to it by aria-describedby. */
export function TextArea({
  id,
  label,
  value,
  onChange,
  hint,
  error,
  rows = 4,
  maxLength,
  counted = false,
  required,
  name,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly rows?: number;
  readonly maxLength?: number;
  /** With maxLength: shows how many characters are used of how many. */
  readonly counted?: boolean;
  readonly required?: boolean;
  readonly name?: string;
}) {
  const count = counted ? maxLength : undefined;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={name}
        className="field__input field__input--area"
        value={value}
        rows={rows}
        maxLength={maxLength}
        required={required}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, hint, error, count !== undefined)}
        aria-invalid={error ? true : undefined}
      />
      {count !== undefined && <CharacterCount id={`${id}-count`} length={value.length} max={count} />}
    </FieldFrame>
  );
}

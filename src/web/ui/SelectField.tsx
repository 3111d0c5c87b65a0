import type { Ref } from 'react';
import { describedBy, FieldFrame } from './FieldFrame.tsx';

export interface SelectFieldProps<V extends string> {
  readonly id: string;
  readonly label: string;
  readonly value: V | '';
  readonly options: readonly { readonly value: V; readonly label: string }[];
  readonly onChange: (value: V) => void;
  /** Shown as a first, empty choice when nothing is chosen yet. */
  readonly placeholder?: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly required?: boolean;
  readonly selectRef?: Ref<HTMLSelectElement>;
  readonly name?: string;
}

/** A labelled native select; hint and error are tied to it by aria-describedby. */
export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const { id, label, value, options, onChange, placeholder, hint, error, required, selectRef, name } = props;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        ref={selectRef}
        name={name}
        className="field__input field__input--select"
        value={value}
        required={required}
        onChange={(event) => {
          const chosen = options.find((option) => option.value === event.target.value);
          if (chosen) onChange(chosen.value);
        }}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
      >
        {value === '' && <option value="">{placeholder ?? ''}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

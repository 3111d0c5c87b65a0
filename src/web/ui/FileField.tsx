import type { Ref } from 'react';
import { describedBy, FieldFrame } from './FieldFrame.tsx';

/**
 * A labelled file input with an optional hint and error, tied to it like every field's. `onFiles` gets what was
 * picked and the input itself, for a caller that clears it to let the same input pick more.
 */
export function FileField({
  id,
  label,
  hint,
  error,
  accept,
  multiple = false,
  inputRef,
  onFiles,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly accept: string;
  readonly multiple?: boolean;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly onFiles: (files: File[], input: HTMLInputElement) => void;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        ref={inputRef}
        type="file"
        className="field__input field__input--file"
        accept={accept}
        multiple={multiple}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onFiles(Array.from(event.target.files ?? []), event.target)}
      />
    </FieldFrame>
  );
}

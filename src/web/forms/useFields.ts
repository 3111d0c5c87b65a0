import { useState } from 'react';

/** The values of a form's text fields, and a setter per field for their onChange. */
export function useFields<F extends string>(initial: Record<F, string>) {
  const [values, setValues] = useState(initial);
  const set = (field: F) => (value: string) => setValues((current) => ({ ...current, [field]: value }));
  const reset = () => setValues(initial);
  return { values, set, reset };
}

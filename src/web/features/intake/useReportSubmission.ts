import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { fieldId, type Problems, serverProblems } from './report-draft.ts';

/** Focuses the form's first control (in page order) that has a problem, once React has rendered the messages. */
function focusFirstProblem(form: HTMLFormElement | null, formId: string, problems: Problems): void {
  const ids = new Set(Object.keys(problems).map((path) => fieldId(formId, path)));
  window.setTimeout(() => {
    if (form === null) return;
    const first = Array.from(form.elements).find((element) => ids.has(element.id));
    const target = first ?? form.querySelector<HTMLElement>('.form-problems');
    if (target instanceof HTMLElement) target.focus();
  }, 0);
}

/**
 * Sending a report form. Problems found before sending, or named by the server (400 validation_failed, with
 * paths), are shown at their fields and the first is focused; the form's state is the caller's and is never
 * reset on a failure, so nothing typed is lost and a retry sends the same idempotency key.
 */
export function useReportSubmission<B, R>(formId: string, send: (body: B) => Promise<R>, onDone: (result: R) => void) {
  const formRef = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<Problems>({});
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: onDone,
    onError: (error) => {
      const errors =
        error instanceof ApiError && error.code === 'validation_failed' ? error.problem?.errors : undefined;
      if (errors === undefined || errors.length === 0) return;
      const found = serverProblems(errors);
      setProblems(found);
      focusFirstProblem(formRef.current, formId, found);
    },
  });
  /** Sends the body unless the checks found problems. */
  const submit = (found: Problems, body: () => B) => {
    setProblems(found);
    if (Object.keys(found).length > 0) {
      mutation.reset();
      focusFirstProblem(formRef.current, formId, found);
      return;
    }
    mutation.mutate(body());
  };
  /** A refusal the field messages already explain needs no second alert. */
  const fieldsRefused = mutation.error instanceof ApiError && mutation.error.code === 'validation_failed';
  return { formRef, problems, mutation, submit, otherError: fieldsRefused ? null : mutation.error };
}

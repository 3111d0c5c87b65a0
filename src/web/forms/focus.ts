/**
 * After a refused submit: focus the first field (in the given order) that has a problem. Deferred until React
 * has rendered the messages, so that the field is announced together with its error.
 */
export function focusFirstInvalid(form: HTMLFormElement | null, order: readonly string[], invalid: object): void {
  const first = order.find((field) => field in invalid);
  if (form === null || first === undefined) return;
  window.setTimeout(() => {
    const element = form.elements.namedItem(first);
    if (element instanceof HTMLElement) element.focus();
  }, 0);
}

/**
 * Moves the keyboard to the first of the given controls that the page shows: into a group of
 * radios at its chosen one (or its first), into a closed evidence list by opening it. Returns
 * whether one was found.
 */
export function focusField(targets: readonly string[]): boolean {
  for (const id of targets) {
    const element = document.getElementById(id);
    if (element === null) continue;
    const control = element.matches('input, textarea, select, button, summary')
      ? element
      : (element.querySelector<HTMLElement>('input:checked') ??
        element.querySelector<HTMLElement>('input, textarea, select, summary, button'));
    const target = control ?? element;
    const details = target.closest('details');
    if (details !== null && !details.open && target.tagName !== 'SUMMARY') details.open = true;
    target.scrollIntoView({ block: 'center' });
    target.focus();
    return true;
  }
  return false;
}

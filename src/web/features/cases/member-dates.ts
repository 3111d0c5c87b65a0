/** The end dates of memberships, as a date input holds them (a local calendar day). */
export const DAY_MS = 86_400_000;

/** A date input's value (local calendar day). */
export const dayOf = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The end of the chosen day in the user's time zone; null for no day. */
export const endOfDay = (day: string): Date | null => (day === '' ? null : new Date(`${day}T23:59:59`));

/** Whether an end is no end at all, or a day still to come. */
export const endIsValid = (end: Date | null): boolean =>
  end === null || (!Number.isNaN(end.getTime()) && end.getTime() > Date.now());

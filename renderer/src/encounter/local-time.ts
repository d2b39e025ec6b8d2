// Times on the encounter form: a `datetime-local` input holds local wall-clock time without a zone; a note
// holds FHIR dateTimes with a zone. These convert between the two, and say a time in the crew's words.

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2025-03-01T14:05` in this device's local time, as a `datetime-local` input shows it. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value as an ISO instant with a zone; undefined when it is not a complete time. */
export function fromLocalInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (match === null) return undefined;
  const [year = 0, month = 1, day, hours, minutes, seconds = 0] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? '0'));
  const date = new Date(year, month - 1, day, hours, minutes, seconds);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== month - 1) return undefined;
  return date.toISOString();
}

/** An ISO instant back into a `datetime-local` value (for amending a sent note). */
export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : toLocalInput(date);
}

/** `14:05, 1 Mar 2025` in local time; the text itself when it is not a time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${pad(date.getHours())}:${pad(date.getMinutes())}, ${date.getDate()} ${months[date.getMonth()] ?? ''} ${date.getFullYear()}`;
}

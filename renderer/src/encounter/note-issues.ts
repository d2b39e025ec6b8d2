// Validation issues of a note, indexed by field path (`observations[0].spo2`), so each input can show its
// own message; plus the form's view of a problem path that belongs to a group of inputs.
import type { NoteIssue } from '../../../sync/outbox';

export type IssueMap = ReadonlyMap<string, string>;

export const noIssues: IssueMap = new Map();

/** Strips the leading `path: ` the parser puts in front of each message. */
function bare(issue: NoteIssue): string {
  const prefix = `${issue.path}: `;
  return issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message;
}

/** The first message per path. */
export function issueMap(issues: readonly NoteIssue[]): IssueMap {
  const map = new Map<string, string>();
  for (const issue of issues) if (!map.has(issue.path)) map.set(issue.path, bare(issue));
  return map;
}

/** The message for a field, or for any path under it (`dose` shows `dose.value`'s message). */
export function issueFor(issues: IssueMap, path: string): string | undefined {
  const exact = issues.get(path);
  if (exact !== undefined) return exact;
  for (const [key, message] of issues)
    if (key.startsWith(`${path}.`) || key.startsWith(`${path}[`)) return message;
  return undefined;
}

/** Element id of the input for a path, for the error summary's links and `aria-describedby`. */
export function fieldId(path: string): string {
  return `note-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

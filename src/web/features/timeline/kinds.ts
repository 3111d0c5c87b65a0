import type { CaseDetail } from '../../../contract/cases.ts';
import type { EntryKind } from '../../../contract/timeline.ts';

/**
 * Kinds of entry in groups that share a colour and an icon, in the list and in the chart: what
 * happened (incidents and observations), conversations, exculpatory information, the team's own
 * notes, and what the server recorded. The colour only repeats what the kind's name says.
 */
export const KIND_GROUPS = ['incident', 'conversation', 'exculpatory', 'note', 'recorded'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

export function groupOf(kind: EntryKind): KindGroup {
  switch (kind) {
    case 'incident':
    case 'observation':
      return 'incident';
    case 'conversation':
      return 'conversation';
    case 'exculpatory':
      return 'exculpatory';
    case 'measure_note':
    case 'note':
      return 'note';
    default:
      return 'recorded';
  }
}

/** A glyph per group, beside the kind's name (never instead of it). */
export const GROUP_ICONS: Readonly<Record<KindGroup, string>> = {
  incident: '!',
  conversation: '“',
  exculpatory: '✓',
  note: '✎',
  recorded: '⚙',
};

/** Whether the reader reaches the case's timeline: a full scope or the timeline section, or a break-glass (else 404). */
export const readsTimeline = (detail: CaseDetail): boolean =>
  detail.access.kind === 'break_glass' ||
  (detail.access.kind === 'member' && (detail.access.fullScope || detail.access.sections.includes('timeline')));

/** The colours of the groups in the chart and its legend (each at least 4.5:1 on white). */
export const GROUP_COLOURS: Readonly<Record<KindGroup, string>> = {
  incident: '#b42318',
  conversation: '#1d4e6b',
  exculpatory: '#1f7a4d',
  note: '#8a5300',
  recorded: '#5b6673',
};

/** The colour of the warning behaviours' lane. */
export const TAG_COLOUR = '#8f3f0f';

import { useTranslation } from 'react-i18next';
import { CaseStatus } from '../../../contract/cases.ts';
import type { TimelineEntry } from '../../../contract/timeline.ts';
import { useDay } from '../intake/useDay.ts';
import type { DraftProblem } from './entry-draft.ts';

/** A status or a priority of a recorded change, as the case page names it. */
function useChangeState(): (kind: 'status' | 'priority', state: string | number | null) => string {
  const { t } = useTranslation();
  return (kind, state) => {
    if (kind === 'status') {
      const status = CaseStatus.safeParse(state);
      return status.success ? t(`cases.status.${status.data}`) : String(state ?? '—');
    }
    return state === 1 || state === 2 || state === 3 || state === 4
      ? t(`cases.priority.p${state}`)
      : t('cases.priority.none');
  };
}

/**
 * What a recorded entry tells, in a sentence: who did what to the case, from its change, the account, the report
 * or the document it names. Those the reader may not see are named in general words.
 */
export function useRecordedSentence(): (entry: TimelineEntry) => string {
  const { t } = useTranslation();
  const day = useDay();
  const state = useChangeState();
  return (entry) => {
    const who = entry.author?.displayName ?? t('timeline.recorded.someone');
    const user = entry.user?.displayName ?? t('timeline.recorded.someAccount');
    const document = entry.document?.name ?? t('timeline.recorded.aDocument');
    const version = entry.document?.version ?? null;
    switch (entry.kind) {
      case 'opened':
        return t('timeline.recorded.opened', { who });
      case 'status':
      case 'priority': {
        const to = state(entry.kind, entry.change?.to ?? null);
        const from = entry.change?.from ?? null;
        return from === null
          ? t(`timeline.recorded.${entry.kind}Set`, { who, to })
          : t(`timeline.recorded.${entry.kind}`, { who, from: state(entry.kind, from), to });
      }
      case 'grant':
      case 'revoke':
      case 'lead':
        return t(`timeline.recorded.${entry.kind}`, { who, user });
      case 'break_glass':
        return t('timeline.recorded.break_glass', { who });
      case 'report':
        return entry.report === null
          ? t('timeline.recorded.reportUnknown', { who })
          : t('timeline.recorded.report', {
              who,
              reference: entry.report.reference,
              day: day(entry.report.receivedOn),
            });
      case 'document_uploaded':
      case 'document_downloaded':
        return version === null
          ? t(`timeline.recorded.${entry.kind}`, { who, document })
          : t(`timeline.recorded.${entry.kind}Version`, { who, document, version });
      case 'document_deleted':
        return t('timeline.recorded.document_deleted', { who, document });
      default:
        return entry.title ?? t(`timeline.kinds.${entry.kind}`);
    }
  };
}

/** A problem of the entry form in words. */
export function useDraftProblemText(): (problem: DraftProblem | undefined) => string | undefined {
  const { t } = useTranslation();
  const day = useDay();
  return (problem) => {
    if (problem === undefined) return undefined;
    switch (problem.key) {
      case 'timeline.errors.beforeBirth':
        return t(problem.key, {
          person: t('persons.pseudonym', { letters: problem.values.letters }),
          born: day(problem.values.born),
        });
      case 'timeline.validation.title':
      case 'timeline.validation.body':
      case 'timeline.validation.source':
        return t(problem.key, problem.values);
      case 'timeline.validation.server':
        return t(problem.key, problem.values);
      default:
        return t(problem.key);
    }
  };
}

/** An entry's time of day in the UI language ("14:05", "2:05 PM"), or that only the day is known. */
export function useTimeOfDay(): (time: string | null) => string {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short', timeZone: 'UTC' });
  return (time) => (time === null ? t('timeline.entry.dayOnly') : format.format(new Date(`1970-01-01T${time}:00Z`)));
}

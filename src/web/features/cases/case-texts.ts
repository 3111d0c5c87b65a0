import type { TFunction } from 'i18next';
import { CaseTags, CaseTitle, SUMMARY_MAX, SummaryText, TAG_MAX, TAGS_MAX } from '../../../contract/cases.ts';

export type TextProblems = Partial<Record<'title' | 'summary' | 'tags', string>>;

/** Tags as typed: separated by commas, each trimmed, empty ones dropped. */
export const parseTags = (text: string): string[] =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');

/** The same rules as the server's (contract/cases.ts), in the user's language, before anything is sent. */
export function checkCaseTexts(t: TFunction, values: { title: string; summary: string; tags: string }): TextProblems {
  const problems: TextProblems = {};
  if (values.title.trim() === '') problems.title = t('validation.required');
  else if (!CaseTitle.safeParse(values.title).success) problems.title = t('cases.validation.title');
  if (!SummaryText.safeParse(values.summary).success)
    problems.summary = t('cases.validation.summary', { max: SUMMARY_MAX });
  const tags = parseTags(values.tags);
  if (!CaseTags.safeParse(tags).success) problems.tags = t('cases.validation.tags', { max: TAGS_MAX, length: TAG_MAX });
  return problems;
}

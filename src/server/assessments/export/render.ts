import type { ItemRating, Scenario } from '../../../contract/assessments.ts';
import type { Domain, Item, ModelDefinition, Text } from '../../../contract/models/definition.ts';
import { domainShown, textOf } from '../../../contract/models/validate.ts';
import { own } from '../../../contract/rules/check.ts';
import { wallClockOf } from '../../timeline/zone.ts';
import type { ExportData } from './gather.ts';
import { dayText } from './labels.ts';
import { field, finish, heading, newSheet, paragraph, type Sheet, title } from './layout.ts';

/**
 * The PDF of one finalised assessment (docs/assessments.md, "Export"): the model with its version,
 * publisher, citation and licence; the case and the assessment's facts; every domain with its
 * items' ratings in the model's words; indicators and flags with the raters' disagreements; the
 * formulation; the scenarios; the final judgments with their rationales and dissents; and the
 * persons of the case by pseudonym (by name only when asked for).
 */
export async function renderAssessment(data: ExportData): Promise<Buffer> {
  const { detail, model, language } = data;
  const sheet = newSheet({
    title: `${textIn(model, model.title, language)} – ${data.reference}`,
    language,
    createdAt: data.exportedAt,
  });
  const l = sheet.labels;
  title(sheet, `${l.title} ${data.reference}`, textIn(model, model.title, language));
  facts(sheet, data);
  heading(sheet, l.items, 1);
  if (detail.withheld.length > 0) paragraph(sheet, l.withheld(detail.withheld.length), { muted: true });
  // Optional items it did not use are not part of it: not listed at all, nor a domain of only those.
  const unused = new Set(detail.unused);
  const withheld = new Set([...detail.withheld, ...unused]);
  for (const domain of model.domains)
    if (domainShown(domain, unused)) domainOf(sheet, model, domain, detail.content.ratings, withheld, unused);
  indicators(sheet, data);
  flags(sheet, data);
  heading(sheet, l.formulation, 1);
  paragraph(sheet, detail.content.formulation || l.none);
  scenarios(sheet, model, detail.content.scenarios);
  judgments(sheet, data);
  persons(sheet, data);
  return finish(sheet);
}

const textIn = (model: ModelDefinition, text: Text | undefined, language: 'de' | 'en'): string =>
  text === undefined ? '' : (textOf(model, text, language) ?? '');

/** The label of a value of a scale, in the model's words (the key itself if the model has none). */
function scaleText(sheet: Sheet, model: ModelDefinition, scale: string | undefined, value: string | null | undefined) {
  if (value === null || value === undefined) return sheet.labels.notAssessed;
  const found = model.scales.find((s) => s.key === scale)?.values.find((v) => v.key === value);
  return found === undefined ? value : textIn(model, found.label, sheet.language) || value;
}

const day = (at: string | null, data: ExportData) =>
  at === null ? null : dayText(wallClockOf(new Date(at), data.timeZone).day, data.language);

function facts(sheet: Sheet, data: ExportData): void {
  const { detail, model } = data;
  const l = sheet.labels;
  const name = (id: string | undefined) => (id === undefined ? undefined : data.names.get(id)) ?? l.someone;
  field(sheet, l.model, textIn(model, model.title, data.language), 0);
  field(sheet, l.version, model.version, 0);
  field(sheet, l.publisher, model.publisher, 0);
  field(sheet, l.citation, model.citation, 0);
  field(sheet, l.licence, model.licence, 0);
  sheet.doc.moveDown(0.5);
  field(sheet, l.case, data.reference, 0);
  field(sheet, l.kind, l.kinds[detail.kind], 0);
  field(sheet, l.rater, name(detail.rater?.id), 0);
  field(sheet, l.started, day(detail.startedAt, data), 0);
  field(sheet, l.finalised, day(detail.finalisedAt, data), 0);
  field(sheet, l.prioritySet, detail.priority === null ? null : String(detail.priority), 0);
  field(sheet, l.reviewDue, detail.reviewDue === null ? null : dayText(detail.reviewDue, data.language), 0);
  if (detail.basis.length > 0) field(sheet, l.basis, l.ratings(detail.basis.length), 0);
  sheet.doc.moveDown(0.5);
  const exported = dayText(wallClockOf(data.exportedAt, data.timeZone).day, data.language);
  paragraph(sheet, l.exported(exported, name(data.exporter)), { muted: true });
}

function domainOf(
  sheet: Sheet,
  model: ModelDefinition,
  domain: Domain,
  ratings: Readonly<Record<string, ItemRating>>,
  withheld: ReadonlySet<string>,
  unused: ReadonlySet<string>,
): void {
  heading(sheet, textIn(model, domain.label, sheet.language), 2);
  for (const item of domain.items ?? [])
    if (!withheld.has(item.key)) itemOf(sheet, model, item, own(ratings, item.key));
  for (const nested of domain.domains ?? [])
    if (domainShown(nested, unused)) domainOf(sheet, model, nested, ratings, withheld, unused);
}

function itemOf(sheet: Sheet, model: ModelDefinition, item: Item, rating: ItemRating | undefined): void {
  const l = sheet.labels;
  const label = textIn(model, item.label, sheet.language);
  heading(sheet, item.critical === true ? `${label} (${l.critical})` : label, 3);
  const links = (rating?.evidence?.entries.length ?? 0) + (rating?.evidence?.documents.length ?? 0);
  if (rating === undefined || !(links > 0 || ratedAtAll(rating))) {
    paragraph(sheet, l.notAssessed, { indent: 8, muted: true });
    return;
  }
  switch (item.kind) {
    case 'risk':
    case 'protective':
    case 'context':
      field(sheet, l.presence, scaleText(sheet, model, item.scale, rating.presence));
      if (item.relevance !== undefined && rating.relevance != null)
        field(sheet, l.relevance, scaleText(sheet, model, item.relevance, rating.relevance));
      if (item.timeframes?.includes('past') === true)
        field(sheet, l.past, scaleText(sheet, model, item.scale, rating.pastPresence));
      field(sheet, l.observed, rating.observed == null ? null : dayText(rating.observed, sheet.language));
      break;
    case 'stage':
      field(
        sheet,
        l.value,
        scaleText(sheet, model, item.scale, typeof rating.value === 'string' ? rating.value : null),
      );
      break;
    case 'multi_select':
      field(
        sheet,
        l.value,
        Array.isArray(rating.value) ? rating.value.map((v) => scaleText(sheet, model, item.scale, v)).join(', ') : null,
      );
      break;
    case 'date':
      field(sheet, l.value, typeof rating.value === 'string' ? dayText(rating.value, sheet.language) : null);
      break;
    case 'text':
    case 'number':
      field(sheet, l.value, rating.value == null ? null : String(rating.value));
      break;
    case 'evidence':
      break;
  }
  if (links > 0 || item.kind === 'evidence') field(sheet, l.evidence, l.links(links));
  field(sheet, l.note, rating.note);
}

const ratedAtAll = (r: ItemRating) =>
  [r.presence, r.relevance, r.pastPresence, r.observed, r.value].some((v) => v !== null && v !== undefined) ||
  (r.note ?? '') !== '';

function indicators(sheet: Sheet, data: ExportData): void {
  const { model, detail } = data;
  const l = sheet.labels;
  const list = model.indicators ?? [];
  if (list.length === 0) return;
  heading(sheet, l.indicators, 1);
  for (const indicator of list) {
    const value = own(detail.outcome.indicators, indicator.key);
    const shown =
      value === undefined || value === null
        ? '–'
        : typeof value === 'boolean'
          ? value
            ? l.yes
            : l.no
          : Array.isArray(value)
            ? value.join(', ')
            : String(value);
    field(sheet, textIn(model, indicator.label, data.language), shown, 0);
  }
}

function flags(sheet: Sheet, data: ExportData): void {
  const { model, detail } = data;
  const l = sheet.labels;
  heading(sheet, l.flags, 1);
  // Only the flags raised for this reader, with the disagreements about them: a flag raised by items
  // withheld from the reader is not raised for them, and neither is what the raters said about it.
  const keys = detail.outcome.flags;
  if (keys.length === 0) paragraph(sheet, l.noFlags, { muted: true });
  for (const key of keys) {
    const flag = model.flags?.find((f) => f.key === key);
    const label = flag === undefined ? key : textIn(model, flag.label, data.language);
    paragraph(sheet, flag === undefined ? label : `${l.severity[flag.severity] ?? flag.severity}: ${label}`);
    field(sheet, l.disagreement, own(detail.content.overrides, key));
  }
}

function scenarios(sheet: Sheet, model: ModelDefinition, list: readonly Scenario[]): void {
  const l = sheet.labels;
  heading(sheet, l.scenarios, 1);
  if (list.length === 0) paragraph(sheet, l.noScenarios, { muted: true });
  const scales = model.scenarios;
  list.forEach((s, i) => {
    const type = scales?.types.find((t) => t.key === s.type);
    heading(sheet, `${i + 1}. ${type === undefined ? s.type : textIn(model, type.label, sheet.language)}`, 2);
    field(sheet, l.description, s.description);
    field(sheet, l.victim, s.victim);
    field(sheet, l.triggers, s.triggers);
    field(sheet, l.scenarioSeverity, scaleText(sheet, model, scales?.severity, s.severity));
    field(sheet, l.imminence, scaleText(sheet, model, scales?.imminence, s.imminence));
    field(sheet, l.likelihood, scaleText(sheet, model, scales?.likelihood, s.likelihood));
    field(sheet, l.management, s.management);
  });
}

function judgments(sheet: Sheet, data: ExportData): void {
  const { model, detail } = data;
  const l = sheet.labels;
  heading(sheet, l.judgments, 1);
  for (const judgment of model.judgments) {
    const given = own(detail.content.judgments, judgment.key);
    heading(sheet, textIn(model, judgment.label, data.language), 3);
    field(sheet, l.value, scaleText(sheet, model, judgment.scale, given?.value));
    field(sheet, l.rationale, given?.rationale);
    for (const dissent of given?.dissents ?? []) {
      const who = data.names.get(dissent.rater) ?? l.someone;
      field(sheet, l.dissent, `${who} – ${scaleText(sheet, model, judgment.scale, dissent.value)}: ${dissent.reason}`);
    }
  }
}

function persons(sheet: Sheet, data: ExportData): void {
  const l = sheet.labels;
  heading(sheet, l.persons, 1);
  if (data.persons === null) {
    paragraph(sheet, l.personsOutOfScope, { muted: true });
    return;
  }
  if (data.persons.length === 0) {
    paragraph(sheet, l.noPersons, { muted: true });
    return;
  }
  paragraph(sheet, data.identities ? l.named : l.pseudonymised, { muted: true });
  for (const person of data.persons) {
    const line = `${l.pseudonym(person.pseudonym)} – ${l.roles[person.role]}`;
    paragraph(sheet, person.name === null ? line : `${line}: ${person.name || l.noName}`, { indent: 8 });
  }
}

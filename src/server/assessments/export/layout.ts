import PDFDocument from 'pdfkit';
import { BOLD, exportFonts, REGULAR } from './fonts.ts';
import { LABELS, type Labels, type Language } from './labels.ts';

/**
 * The page and its few kinds of text: a heading, a label with its value, a paragraph. A4, text
 * only, generated in memory; a footer on every page ("confidential", page x of y) is drawn once
 * the number of pages is known (the pages are buffered until then).
 */
const MARGIN = 56;
const FOOTER = 40;
const BODY = 10;
const GREY = '#444444';

export interface Sheet {
  readonly doc: PDFKit.PDFDocument;
  readonly labels: Labels;
  readonly language: Language;
}

export interface SheetInfo {
  /** The document's title (its metadata): no personal data. */
  readonly title: string;
  readonly language: Language;
  readonly createdAt: Date;
}

export function newSheet(info: SheetInfo): Sheet {
  const fonts = exportFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    autoFirstPage: false,
    bufferPages: true,
    pdfVersion: '1.7',
    lang: info.language,
    displayTitle: true,
    // No standard font is loaded at all (pdfkit's default would be Helvetica, which has no „ “ – ≥).
    font: null as unknown as string,
    info: { Title: info.title, Creator: 'TMA', Producer: 'TMA', CreationDate: info.createdAt },
  });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  doc.addPage();
  doc.font(REGULAR).fontSize(BODY).fillColor('black');
  return { doc, labels: LABELS[info.language], language: info.language };
}

/** Starts a new page when less than `space` points are left, so a heading is never alone at the bottom. */
function keep(sheet: Sheet, space: number): void {
  const { doc } = sheet;
  if (doc.y + space > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

/** The document's title, and the model's name under it. */
export function title(sheet: Sheet, text: string, subtitle: string): void {
  const { doc } = sheet;
  doc.font(BOLD).fontSize(18).text(text, { align: 'left' });
  doc.font(REGULAR).fontSize(12).text(subtitle);
  doc.moveDown(0.6).fontSize(BODY);
}

/** A section's heading (level 1), a sub-heading (level 2: a domain, a scenario) or an item's name (level 3). */
export function heading(sheet: Sheet, text: string, level: 1 | 2 | 3): void {
  const { doc } = sheet;
  const size = level === 1 ? 14 : level === 2 ? 12 : BODY;
  keep(sheet, level === 3 ? 40 : 70);
  doc.moveDown(level === 3 ? 0.4 : 0.9);
  doc
    .font(BOLD)
    .fontSize(size)
    .text(text, doc.page.margins.left + indentOf(level), doc.y);
  doc
    .font(REGULAR)
    .fontSize(BODY)
    .moveDown(level === 1 ? 0.3 : 0.15);
}

const indentOf = (level: 1 | 2 | 3) => (level === 3 ? 8 : 0);

/** "Label: value", the label in bold; the value wraps under itself. Nothing when the value is empty. */
export function field(sheet: Sheet, label: string, value: string | null | undefined, indent = 8): void {
  if (value === null || value === undefined || value === '') return;
  const { doc } = sheet;
  keep(sheet, 14);
  const x = doc.page.margins.left + indent;
  const width = doc.page.width - doc.page.margins.right - x;
  doc.font(BOLD).text(`${label}: `, x, doc.y, { width, continued: true });
  doc.font(REGULAR).text(value, { width });
}

/** A paragraph of text (the model's or a rater's words), kept as its lines were written. */
export function paragraph(sheet: Sheet, text: string, options: { indent?: number; muted?: boolean } = {}): void {
  const { doc } = sheet;
  keep(sheet, 14);
  const x = doc.page.margins.left + (options.indent ?? 0);
  const width = doc.page.width - doc.page.margins.right - x;
  if (options.muted === true) doc.fillColor(GREY);
  doc.font(REGULAR).fontSize(BODY).text(text, x, doc.y, { width, paragraphGap: 2 });
  doc.fillColor('black');
}

/** Draws the footer on every page, ends the document and returns its bytes. */
export function finish(sheet: Sheet): Promise<Buffer> {
  const { doc, labels } = sheet;
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Below the text's margin: without this, writing there would start a new page.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 12;
    const width = doc.page.width - 2 * MARGIN;
    doc.font(REGULAR).fontSize(8).fillColor(GREY);
    doc.text(labels.confidential, MARGIN, y, { width, align: 'left', lineBreak: false });
    doc.text(labels.page(i - range.start + 1, range.count), MARGIN, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

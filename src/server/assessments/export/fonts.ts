import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The fonts of the PDF export: DejaVu Sans from the dejavu-fonts-ttf package, embedded (as a
 * subset) in every document. Never one of PDF's standard fonts: their encoding has no „ “, – or ≥
 * and pdfkit would print nonsense for them. Read from node_modules once per process; nothing is
 * ever downloaded.
 */
export interface Fonts {
  readonly regular: Buffer;
  readonly bold: Buffer;
}

let loaded: Fonts | undefined;

const fontFile = (name: string) => readFileSync(fileURLToPath(import.meta.resolve(`dejavu-fonts-ttf/ttf/${name}`)));

export function exportFonts(): Fonts {
  loaded ??= { regular: fontFile('DejaVuSans.ttf'), bold: fontFile('DejaVuSans-Bold.ttf') };
  return loaded;
}

/** The names the layout uses for them (registered on each document). */
export const REGULAR = 'TMA-Sans';
export const BOLD = 'TMA-Sans-Bold';

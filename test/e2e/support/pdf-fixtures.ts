import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  StandardFonts,
} from 'pdf-lib';

/**
 * A 64 × 48 JPEG 2000 codestream of one red (#c00000): made once with OpenJPEG
 * (`opj_compress -i red.png -o red.j2k -r 20`, from a PNG of that colour), kept here as bytes so
 * that the tests need no encoder. Scanned documents carry their pages as images like this one
 * (or JBIG2): pdf.js decodes them with its JavaScript decoders, which the app serves itself.
 */
const RED_J2K = Buffer.from(
  [
    '/0//UQAvAAAAAABAAAAAMAAAAAAAAAAAAAAAQAAAADAAAAAAAAAAAAADBwEBBwEBBwEB/1IADAAAAAEBBQQEAAH/XAATQEBISFBI',
    'SFBISFBISFBISFD/ZAAlAAFDcmVhdGVkIGJ5IE9wZW5KUEVHIHZlcnNpb24gMi41LjD/kAAKAAAAAAAqAAH/k8+wEAiMTueA33gQ',
    'Ac2AgICAgICAgICAgICAgID/2Q==',
  ].join(''),
  'base64',
);

/** A PDF of one page per text, each with a blue box above the text. */
export async function pdfOfPages(...texts: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of texts) {
    const page = pdf.addPage([595, 842]);
    page.drawRectangle({ x: 50, y: 600, width: 495, height: 180, color: rgb(0.1, 0.3, 0.5) });
    page.drawText(text, { x: 60, y: 560, size: 28, font });
  }
  return Buffer.from(await pdf.save());
}

/** A PDF whose one page is a JPEG 2000 image filling most of it, as a scanner might write it. */
export async function scannedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([400, 300]);
  const image = pdf.context.register(
    pdf.context.stream(RED_J2K, { Type: 'XObject', Subtype: 'Image', Width: 64, Height: 48, Filter: 'JPXDecode' }),
  );
  page.node.setXObject(PDFName.of('Scan'), image);
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(360, 0, 0, 270, 20, 15),
    drawObject('Scan'),
    popGraphicsState(),
  );
  return Buffer.from(await pdf.save());
}

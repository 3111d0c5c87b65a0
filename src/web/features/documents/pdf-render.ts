import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/**
 * PDF rendering with pdf.js, loaded only when a PDF is previewed. The parser runs in pdf.js's own
 * worker (a script of the app's origin, as the CSP allows), on bytes the app fetched itself.
 *
 * Hardening: pdf.js 6 no longer compiles fonts to functions (the path of CVE-2024-4367; its
 * built files hold no eval or `new Function`, and the app's CSP forbids both anyway); no XFA
 * forms, no scripting (the sandbox is never loaded), no fetching of fonts or character maps
 * (standard fonts fall back to the system's), no WebAssembly; the only scripts pdf.js loads are
 * its worker and its JavaScript image decoders, all from the app's origin.
 */
GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * Bounds a crafted PDF cannot push past, so that it cannot take the tab down: an image of more than
 * 100 megapixels is not drawn, and a page's canvas holds at most 2^25 pixels (128 MiB), drawn less
 * sharp rather than larger (the figure pdf.js's own viewer uses).
 */
const MAX_IMAGE_PIXELS = 100_000_000;
const MAX_CANVAS_PIXELS = 2 ** 25;

export type PdfDocument = PDFDocumentProxy;

/** An open PDF; close() ends its worker and frees what it holds. */
export interface OpenedPdf {
  readonly pdf: PdfDocument;
  close(): Promise<void>;
}

export async function openPdf(bytes: ArrayBuffer): Promise<OpenedPdf> {
  const task = getDocument({
    data: new Uint8Array(bytes),
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    useSystemFonts: true,
    maxImageSize: MAX_IMAGE_PIXELS,
    // JPEG 2000 and JBIG2 images decoded by pdf.js's JavaScript decoders, served with the app (vite.config.ts):
    // WebAssembly would need 'wasm-unsafe-eval' in the CSP.
    useWasm: false,
    wasmUrl: __PDFJS_DECODERS__,
  });
  try {
    return { pdf: await task.promise, close: () => task.destroy() };
  } catch (error) {
    void task.destroy();
    throw error;
  }
}

/** A page being drawn; cancel() stops it, so that the next page may use the canvas. */
export interface PageRendering {
  readonly done: Promise<void>;
  cancel(): void;
}

/** Draws page `pageNumber` (1-based) into the canvas, `width` CSS pixels wide, sharp on dense screens. */
export function renderPage(
  pdf: PdfDocument,
  pageNumber: number,
  canvas: HTMLCanvasElement,
  width: number,
): PageRendering {
  let task: RenderTask | undefined;
  let cancelled = false;
  const done = (async () => {
    const page = await pdf.getPage(pageNumber);
    if (cancelled) return;
    const unscaled = page.getViewport({ scale: 1 });
    const wanted = (width / unscaled.width) * (window.devicePixelRatio || 1);
    const pixels = unscaled.width * unscaled.height * wanted * wanted;
    const viewport = page.getViewport({
      scale: pixels > MAX_CANVAS_PIXELS ? wanted * Math.sqrt(MAX_CANVAS_PIXELS / pixels) : wanted,
    });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
    task = page.render({ canvas, viewport });
    try {
      await task.promise;
    } finally {
      page.cleanup();
    }
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      task?.cancel();
    },
  };
}

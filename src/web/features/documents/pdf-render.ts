import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/**
 * PDF rendering with pdf.js, loaded only when a PDF is previewed. The parser runs in pdf.js's own
 * worker (a script of the app's origin, as the CSP allows), on bytes the app fetched itself.
 *
 * Hardening: pdf.js 6 no longer compiles fonts to functions (the path of CVE-2024-4367; its
 * built files hold no eval or `new Function`, and the app's CSP forbids both anyway); no XFA
 * forms, no scripting (the sandbox is never loaded), no fetching of fonts, character maps or
 * WebAssembly from anywhere (standard fonts fall back to the system's; JPEG 2000 images are
 * decoded by pdf.js's JavaScript fallback).
 */
GlobalWorkerOptions.workerSrc = workerUrl;

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
    useWasm: false,
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
    const scale = width / page.getViewport({ scale: 1 }).width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * ratio });
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

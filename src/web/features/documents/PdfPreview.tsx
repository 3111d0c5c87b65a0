import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import type { OpenedPdf, PageRendering, PdfDocument } from './pdf-render.ts';

/** pdf.js loads with the first PDF shown, not with the app. */
const renderer = () => import('./pdf-render.ts');

/** The width pages are drawn at, in CSS pixels; the canvas shrinks with a narrower window. */
const PAGE_WIDTH = 800;

/** A PDF page by page on a canvas, with buttons for the previous and the next page. */
export function PdfPreview({ blob, name }: { blob: Blob; name: string }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PdfDocument>();
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let opened: OpenedPdf | undefined;
    let cancelled = false;
    setPdf(undefined);
    setPage(1);
    setFailed(false);
    void (async () => {
      try {
        const { openPdf } = await renderer();
        opened = await openPdf(await blob.arrayBuffer());
        if (cancelled) void opened.close();
        else setPdf(opened.pdf);
      } catch {
        if (!cancelled) setFailed(true);
      }
    })();
    return () => {
      cancelled = true;
      void opened?.close();
    };
  }, [blob]);

  useEffect(() => {
    const target = canvas.current;
    if (pdf === undefined || target === null) return;
    let rendering: PageRendering | undefined;
    let stopped = false;
    void renderer().then(({ renderPage }) => {
      if (stopped) return;
      rendering = renderPage(pdf, page, target, PAGE_WIDTH);
      // A cancelled page (the reader moved on) is no failure.
      rendering.done.catch(() => {
        if (!stopped) setFailed(true);
      });
    });
    return () => {
      stopped = true;
      rendering?.cancel();
    };
  }, [pdf, page]);

  if (failed) {
    return (
      <Alert tone="error">
        <p>{t('documents.preview.failed')}</p>
      </Alert>
    );
  }
  if (pdf === undefined) return <p>{t('common.loading')}</p>;
  const pages = pdf.numPages;
  return (
    <div className="preview__pdf">
      <div className="preview__pager">
        <button
          type="button"
          className="button button--secondary"
          disabled={page <= 1}
          onClick={() => setPage(page - 1)}
        >
          {t('documents.preview.previous')}
        </button>
        <p aria-live="polite">{t('documents.preview.page', { page, pages })}</p>
        <button
          type="button"
          className="button button--secondary"
          disabled={page >= pages}
          onClick={() => setPage(page + 1)}
        >
          {t('documents.preview.next')}
        </button>
      </div>
      <canvas
        ref={canvas}
        className="preview__page"
        role="img"
        aria-label={t('documents.preview.pageAlt', { page, pages, name })}
      />
    </div>
  );
}

/// <reference types="vite/client" />

/** The package version, replaced at build time (see vite.config.ts). */
declare const __TMA_VERSION__: string;

/** Where pdf.js finds its JavaScript image decoders (JPEG 2000, JBIG2), ending in a slash (see vite.config.ts). */
declare const __PDFJS_DECODERS__: string;

/// <reference types="vite/client" />

/** The package version, replaced at build time (see vite.config.ts). */
declare const __TMA_VERSION__: string;

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * Builds the SPA in src/web into dist/web, which the server serves under a strict CSP:
 * hashed files in assets/, no inline script (hence no module-preload polyfill), no inline style.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  publicDir: 'public',
  base: '/',
  define: { __TMA_VERSION__: JSON.stringify(pkg.version) },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      // Module bodies run in source order even across chunks: zod-config.ts must run before any contract module
      // builds a schema (zod decides at construction whether to compile parsers with new Function, which the CSP
      // forbids), and with pages loaded on demand the contract lives in a shared chunk.
      output: { strictExecutionOrder: true },
      // React libraries mark their modules "use client"; that directive means nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});

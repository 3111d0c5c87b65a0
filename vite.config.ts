import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * pdf.js decodes JPEG 2000 and JBIG2 images (scanned documents) with WebAssembly or, where the CSP
 * allows no WebAssembly, as here, with JavaScript decoders it imports by name from `wasmUrl`. They
 * go into the build under the pdf.js version (they are cached like hashed assets), and the dev
 * server serves them from node_modules.
 */
const PDFJS_DIST = new URL('./node_modules/pdfjs-dist/', import.meta.url);
const PDFJS_VERSION = (JSON.parse(readFileSync(new URL('package.json', PDFJS_DIST), 'utf8')) as { version: string })
  .version;
const PDFJS_DECODERS = `assets/pdfjs-${PDFJS_VERSION}/`;
const PDFJS_DECODER_FILES = ['openjpeg_nowasm_fallback.js', 'jbig2_nowasm_fallback.js'];

function pdfjsDecoders(): Plugin {
  const source = (file: string) => readFileSync(new URL(`wasm/${file}`, PDFJS_DIST));
  return {
    name: 'tma-pdfjs-decoders',
    generateBundle() {
      for (const file of PDFJS_DECODER_FILES) {
        this.emitFile({ type: 'asset', fileName: `${PDFJS_DECODERS}${file}`, source: source(file) });
      }
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const file = PDFJS_DECODER_FILES.find((f) => request.url === `/${PDFJS_DECODERS}${f}`);
        if (file === undefined) return next();
        response.setHeader('content-type', 'text/javascript');
        response.end(source(file));
      });
    },
  };
}

/**
 * Builds the SPA in src/web into dist/web, which the server serves under a strict CSP:
 * hashed files in assets/, no inline script (hence no module-preload polyfill), no inline style.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  publicDir: 'public',
  base: '/',
  define: { __TMA_VERSION__: JSON.stringify(pkg.version), __PDFJS_DECODERS__: JSON.stringify(`/${PDFJS_DECODERS}`) },
  plugins: [pdfjsDecoders()],
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

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `.br` (quality 11) and `.gz` (level 9) beside every text file of the build, once, so
 * the server sends them precompressed (@fastify/static `preCompressed`) and spends no CPU per
 * request.
 */
function precompress(): Plugin {
  return {
    name: 'tempmail-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const file = path.join(dir, name);
        const data = readFileSync(file);
        const br = brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        });
        writeFileSync(`${file}.br`, br);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

/**
 * The page is served by the TempMail server itself at `/`, under a CSP without
 * 'unsafe-inline': the build must emit external JS and CSS only (no inline script or style).
 * `npm run dev` proxies the API to a server on :8080 (start it with
 * TEMPMAIL_ALLOWED_ORIGINS=http://localhost:5173 so the WebSocket origin check passes).
 */
export default defineConfig({
  // Preact's automatic JSX runtime through Vite's own transformer (Oxc in Vite 8, the
  // successor of the `esbuild: { jsx: 'automatic', jsxImportSource: 'preact' }` option):
  // no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Only modern browsers run the page; the polyfill would add bytes and nothing else.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});

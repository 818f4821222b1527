import { defineConfig } from 'vite';

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

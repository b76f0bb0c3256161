import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// When `npm start` runs Prosody on non-default ports it passes them here; the page reads
// config.json before falling back to its built-in default (see src/ui/config.ts).
function serviceConfig(): Plugin {
  const handler = (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(s: string): void }, next: () => void) => {
    const service = process.env.TIDEPOOL_SERVICE;
    if (!service || !req.url?.split('?')[0]?.endsWith('/config.json')) return next();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ service, domain: process.env.TIDEPOOL_DOMAIN ?? 'localhost' }));
  };
  return {
    name: 'tidepool-service-config',
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

// Cross-origin isolation lets wllama run multi-threaded (SharedArrayBuffer). Hosts that can set
// headers should send these too (docs/BRAINS.md); without them the page still works, single-threaded.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset paths: the built site works from any static host and any sub-path.
  base: './',
  plugins: [svelte(), serviceConfig()],
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  build: { target: 'es2022', sourcemap: true },
});

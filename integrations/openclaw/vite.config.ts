// Builds the OpenClaw plugin into one ES module, dist/index.js, with the Tidepool core bundled in: the
// gateway loads it from this directory with no node_modules of ours beside it. OpenClaw's SDK
// (`openclaw/plugin-sdk/*`) and Node's built-ins stay imports, resolved by the gateway at load time.
// `npm run openclaw:build` runs it; the OpenClaw tests build it before starting the gateway.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  build: {
    ssr: 'src/index.ts',
    outDir: 'dist',
    emptyOutDir: true,
    // OpenClaw 2026.9.6 needs Node 24; the code only needs what Node 22 has (global WebSocket).
    target: 'node22',
    sourcemap: true,
    minify: false,
    rollupOptions: {
      external: [/^openclaw(\/|$)/, /^node:/],
      output: { format: 'es', entryFileNames: 'index.js' },
    },
  },
  ssr: { noExternal: true, target: 'node' },
});

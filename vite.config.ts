// Builds the renderer (renderer/ → dist/renderer). `base: './'` (relative URLs) so the same build
// loads from app://studio/ inside Electron and from `rnn-studio serve` in a browser.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
});

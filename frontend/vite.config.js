import { fileURLToPath, URL } from 'node:url'

import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import tailwindcss from '@tailwindcss/vite'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// `npm run dev` proxies the API to a backend on :8000 (override with IC_BACKEND_URL).
const backend = process.env.IC_BACKEND_URL || 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [
    vue(),
    tailwindcss(),
    // Message files are compiled at build time, so the page ships vue-i18n's runtime without its
    // message compiler; locales/<lang>/ are fetched on demand (src/i18n).
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/locales/**/*.json', import.meta.url))],
      // Only the composition API and `t()` are used: no <i18n-t> component, no v-t directive.
      fullInstall: false,
      dropMessageCompiler: true,
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: { '/api': { target: backend, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.js'],
    restoreMocks: true,
    setupFiles: ['tests/setup.js'],
  },
})

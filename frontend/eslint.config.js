// create-vue's lint setup: ESLint's recommended rules, eslint-plugin-vue's, Vitest's for the
// tests, and eslint-config-prettier last so no rule argues with Prettier's formatting.
import js from '@eslint/js'
import pluginVitest from '@vitest/eslint-plugin'
import skipFormatting from 'eslint-config-prettier/flat'
import pluginVue from 'eslint-plugin-vue'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'

export default defineConfig([
  {
    name: 'app/files-to-lint',
    files: ['**/*.{vue,js,mjs}'],
  },

  globalIgnores(['**/dist/**', '**/coverage/**']),

  {
    languageOptions: {
      globals: {
        ...globals.browser,
      },
    },
  },

  js.configs.recommended,
  ...pluginVue.configs['flat/recommended'],

  {
    ...pluginVitest.configs.recommended,
    files: ['tests/**'],
    rules: {
      ...pluginVitest.configs.recommended.rules,
      // Helpers that wait for something and expect it (arrivesAt) count as assertions.
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'assert', 'arrivesAt'] }],
    },
  },

  {
    name: 'app/node-scripts',
    files: ['scripts/**', '*.config.js'],
    languageOptions: {
      globals: {
        ...globals.node,
      },
    },
  },

  skipFormatting,
])

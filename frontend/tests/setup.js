// Every component test mounts with the app's i18n, in English, as a first visit from an English
// browser would (tests of other languages switch with setLocale).
import { config } from '@vue/test-utils'
import { afterEach } from 'vitest'

import { AREAS, i18n, setLocale, useAreas } from '@/i18n'

config.global.plugins.push(i18n)
await setLocale('en')
await useAreas(AREAS)

afterEach(async () => {
  if (i18n.global.locale.value !== 'en') await setLocale('en')
})

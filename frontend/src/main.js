import './style.css'

import { createPinia } from 'pinia'
import { createApp } from 'vue'

import App from './App.vue'
import { i18n, initialLocale, setLocale } from './i18n'
import { createAppRouter } from './router'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(createAppRouter(pinia))
// The first screen is shown in the person's language, never English first and then swapped.
setLocale(initialLocale()).finally(() => app.mount('#app'))

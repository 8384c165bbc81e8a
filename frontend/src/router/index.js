import { createRouter, createWebHistory } from 'vue-router'

import { translate as t, useAreas } from '@/i18n'
import { useAuthStore } from '@/stores/auth'

import KeyEntryView from '@/views/KeyEntryView.vue'

// Views other than key entry load on first use, so the first visit downloads only what it shows;
// `areas` are the message files a view needs beyond `common` (src/i18n).
export const routes = [
  { path: '/', name: 'key-entry', component: KeyEntryView, meta: { title: 'keyEntry' } },
  {
    path: '/circles',
    name: 'circles',
    component: () => import('@/views/MyCirclesView.vue'),
    meta: { requiresAuth: true, title: 'circles' },
  },
  {
    path: '/circles/:slug',
    name: 'circle',
    component: () => import('@/views/CircleRoomView.vue'),
    meta: { requiresAuth: true, title: 'circle', areas: ['room', 'voice', 'manage'] },
    props: true,
  },
  {
    path: '/circles/:slug/join-cards',
    name: 'join-cards',
    component: () => import('@/views/JoinCardsView.vue'),
    meta: { requiresAuth: true, title: 'joinCards', areas: ['manage'] },
    props: true,
  },
  {
    // The facilitator's; anyone else sees "Not allowed" there (the view asks the circle).
    path: '/circles/:slug/settings',
    name: 'circle-settings',
    component: () => import('@/views/CircleSettingsView.vue'),
    meta: { requiresAuth: true, title: 'settings', areas: ['manage'] },
    props: true,
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'notFound' },
  },
]

/** Where a signed-in person may go after key entry: only paths inside this app. */
export function safeNext(next) {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : null
}

export function installGuards(router, pinia) {
  router.beforeEach(async (to) => {
    const auth = useAuthStore(pinia)
    let signedIn
    try {
      signedIn = await auth.ensureChecked()
    } catch {
      signedIn = false // server unreachable: key entry says so when the person tries
    }
    if (to.meta.requiresAuth && !signedIn) {
      return { name: 'key-entry', query: { next: to.fullPath } }
    }
    // A signed-in person landing on key entry goes on, unless a join link brings a new key.
    if (to.name === 'key-entry' && signedIn && !to.hash.includes('key=')) {
      return safeNext(to.query.next) || { name: 'circles' }
    }
    return true
  })
  // After the redirects, so only the view that is shown fetches its messages.
  router.beforeResolve((to) => useAreas(to.meta.areas))
  router.afterEach((to) => {
    document.title = pageTitle(to)
  })
}

/** The tab's title for a route, in the language shown: "Your circles · InquiryCircle". */
export function pageTitle(route) {
  const title = route.meta?.title
  return title ? t('common.titles.page', { title: t(`common.titles.${title}`) }) : t('common.appName')
}

export function createAppRouter(pinia, history = createWebHistory()) {
  const router = createRouter({ history, routes })
  installGuards(router, pinia)
  return router
}

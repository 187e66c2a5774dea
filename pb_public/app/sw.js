// Service worker of the field app (scope /app/): keeps the app shell so the app
// opens with no connection after the first visit. Data never passes through
// here: /api/ requests go to the network untouched, and the records live in
// IndexedDB. A new build changes VERSION, which installs a new cache.
const VERSION = '590a945814c2';
const CACHE = 'jangkau-app-' + VERSION;
const SHELL = [
  "/app/",
  "/app/assets/app.js?v=42a2d7a2418a",
  "/app/assets/app.css?v=513850af8fcc",
  "/app/icons/icon-192.png",
  "/app/icons/icon-512.png",
  "/app/icons/maskable-512.png",
  "/app/manifest.webmanifest"
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL.map((u) => new Request(u, { cache: 'reload' })))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('jangkau-app-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  if (req.mode === 'navigate') {
    // The shell for every page of the app (routes live in the hash): from the cache, so it opens offline.
    event.respondWith(caches.match('/app/', { cacheName: CACHE, ignoreVary: true }).then((hit) => hit || fetch(req)));
    return;
  }
  event.respondWith(caches.match(req, { cacheName: CACHE, ignoreVary: true }).then((hit) => hit || fetch(req)));
});

// Web Push (issue 17): the server sends {kind, title, body, url, tag},
// encrypted for this browser's subscription; shown as a notification that
// opens the app at url.
self.addEventListener('push', (event) => {
  let p = {};
  try { p = event.data ? event.data.json() : {}; } catch { p = { title: 'Jangkau', body: event.data ? event.data.text() : '' }; }
  event.waitUntil(self.registration.showNotification(p.title || 'Jangkau', {
    body: p.body || '', tag: p.tag || p.kind || 'jangkau', data: { url: p.url || '/app/', kind: p.kind || '' },
    icon: '/app/icons/icon-192.png', badge: '/app/icons/icon-192.png',
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/app/', self.location.origin);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  event.waitUntil((async () => {
    for (const c of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
      if (new URL(c.url).pathname.startsWith('/app/')) { await c.focus(); return c.navigate(url.href); }
    }
    return self.clients.openWindow(url.href);
  })());
});

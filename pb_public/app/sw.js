// Service worker of the field app (scope /app/): keeps the app shell so the app
// opens with no connection after the first visit. Data never passes through
// here: /api/ requests go to the network untouched, and the records live in
// IndexedDB. A new build changes VERSION, which installs a new cache.
const VERSION = '0420a2b9ae64';
const CACHE = 'jangkau-app-' + VERSION;
const SHELL = [
  "/app/",
  "/app/assets/app.js?v=2c5ae81ab1d2",
  "/app/assets/app.css?v=42677ac57a8f",
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

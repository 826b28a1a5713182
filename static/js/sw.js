/* The service worker: the pages a grid worker uses open offline, and drafts are sent in the background.
 *
 * Served at /sw.js by govportal.views.service_worker after its settings line (self.OFFLINE: the
 * pages and data answers to keep, the static prefix) and drafts.js (self.GovDrafts).
 *   - pages and data: the network first, the last good answer when there is none;
 *   - static files: the cached copy at once, refreshed from the network behind it;
 *   - the offline pages not kept yet are fetched (with their static files) when a page asks;
 *   - Background Sync "send-drafts": the drafts are sent when the browser has a network again. */
/* global OFFLINE, GovDrafts */
"use strict";

var PAGES = "govportal-pages-v1", STATIC = "govportal-static-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== PAGES && name !== STATIC; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Only a plain, complete answer is kept: never a redirect (e.g. to the log-in page) or an error.
function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function (error) {
    // Vary (Cookie, Accept-Language) is ignored: the kept pages are this phone's user's, emptied at logout.
    return caches.match(request, { cacheName: PAGES, ignoreVary: true }).then(function (kept) {
      if (kept) { return kept; }
      throw error;
    });
  });
}

function cacheFirst(request, event) {
  var refreshed = fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      return caches.open(STATIC).then(function (cache) { return cache.put(request, copy); }).then(function () {
        return response;
      });
    }
    return response;
  });
  return caches.match(request, { cacheName: STATIC }).then(function (kept) {
    if (kept) {
      event.waitUntil(refreshed.catch(function () { /* offline: the copy will do */ }));
      return kept;
    }
    return refreshed;
  });
}

function startsWithAny(path, prefixes) {
  return prefixes.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && OFFLINE.pages.indexOf(url.pathname) !== -1) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.indexOf(OFFLINE.static) === 0) {
    event.respondWith(cacheFirst(request, event));
  } else if (startsWithAny(url.pathname, OFFLINE.data)) {
    event.respondWith(networkFirst(request));
  }
});

// The static files a page loads by its own tags (scripts, styles, icons).
function staticFilesOf(html) {
  var found = [], pattern = /(?:src|href)="([^"]+)"/g, match;
  while ((match = pattern.exec(html))) {
    if (match[1].indexOf(OFFLINE.static) === 0) { found.push(match[1]); }
  }
  return found;
}

// Keep each offline page not kept yet, with its static files: all open offline after one visit to any.
function keepOfflinePages() {
  return Promise.all([caches.open(PAGES), caches.open(STATIC)]).then(function (opened) {
    return Promise.all(OFFLINE.pages.map(function (page) {
      return opened[0].match(page, { ignoreVary: true }).then(function (kept) {
        if (kept) { return null; }
        return fetch(page, { credentials: "same-origin" }).then(function (response) {
          if (!keepable(response)) { return null; }  // e.g. the log-in page: not logged in
          return response.clone().text().then(function (html) {
            return Promise.all([opened[0].put(page, response), opened[1].addAll(staticFilesOf(html))]);
          });
        });
      });
    }));
  }).catch(function () { /* no network: the next page load asks again */ });
}

self.addEventListener("message", function (event) {
  if (event.data === "keep-offline-pages") {
    event.waitUntil(keepOfflinePages());
  } else if (event.data === "logged-out") {  // the kept pages show the worker's area; drafts stay
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "send-drafts") { return; }
  event.waitUntil(GovDrafts.session().then(function (current) {
    if (!current) { return null; }
    return GovDrafts.flush(current).then(function (result) {
      if (result.offline) { throw new Error("offline: the browser retries the sync later"); }
    });
  }));
});

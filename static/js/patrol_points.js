/* A patrol's GPS fixes kept on the phone (IndexedDB) until the server confirmed them.
 *
 * Each fix gets the next sequence number of its patrol when it is stored; the server stores a
 * (patrol, seq) once (ON CONFLICT DO NOTHING), so a batch sent again after a lost answer is not
 * doubled, and a fix is deleted here only once the server's answer named it among the confirmed.
 * Like the report drafts (drafts.js), only one send runs at a time (Web Locks where the browser
 * has them) and every answer other than a confirmation keeps the fixes for the next attempt. */
(function (scope) {
  "use strict";
  var DB_NAME = "govportal-patrols", DB_VERSION = 1, STORE = "points", BATCH = 100;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: ["patrol", "seq"] }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(store)` in one transaction; resolves with the `result` of what it returns, once committed.
  function inStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var outcome = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(outcome && outcome.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function ofPatrol(patrol) { return IDBKeyRange.bound([patrol, 0], [patrol, Infinity]); }

  function add(point) {
    return inStore("readwrite", function (store) { store.add(point); });
  }

  function waiting(patrol, limit) {
    return inStore("readonly", function (store) { return store.getAll(ofPatrol(patrol), limit); });
  }

  function count(patrol) {
    return inStore("readonly", function (store) { return store.count(ofPatrol(patrol)); });
  }

  // The highest sequence number kept here for `patrol`, or -1.
  function lastSeq(patrol) {
    return inStore("readonly", function (store) { return store.getAllKeys(ofPatrol(patrol)); }).then(function (keys) {
      return keys.length ? keys[keys.length - 1][1] : -1;
    });
  }

  function confirm(patrol, seqs) {
    return inStore("readwrite", function (store) {
      seqs.forEach(function (seq) { store.delete([patrol, seq]); });
    });
  }

  function post(url, csrf, points) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ points: points.map(function (p) {
        return { seq: p.seq, lat: p.lat, lng: p.lng, accuracy: p.accuracy, recorded_at: p.recordedAt };
      }) })
    });
  }

  function locked(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("govportal-patrol-send", work) : work();
  }

  /* Send `patrol`'s kept fixes in order, a batch at a time, until none is left or an answer is not a
   * confirmation. Resolves with {server (the last confirmation's figures, or null), offline, refused
   * (the server's message), login}. */
  function send(patrol, url, csrf) {
    return locked(function () {
      var result = { server: null, offline: false, refused: "", login: false };
      function next() {
        return waiting(patrol, BATCH).then(function (points) {
          if (!points.length) { return result; }
          return post(url, csrf, points).then(function (response) {
            if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
              result.login = true;
              return result;
            }
            if (!response.ok) {
              return response.json().catch(function () { return {}; }).then(function (data) {
                result.refused = response.status >= 500 || response.status === 429 ? "" : (data.message || "");
                result.offline = !result.refused;
                return result;
              });
            }
            return response.json().then(function (data) {
              result.server = data;
              return confirm(patrol, data.confirmed).then(next);
            });
          }, function () {
            result.offline = true;
            return result;
          });
        });
      }
      return next();
    });
  }

  scope.GovPatrolPoints = { add: add, count: count, lastSeq: lastSeq, send: send };
})(self);

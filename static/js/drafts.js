/* Report drafts kept on the phone (IndexedDB, photos included) until the server confirms a ticket.
 *
 * Shared by the pages (offline.js, report.js) and the service worker (sw.js): no DOM here.
 * A draft's key is made when the draft is and is sent as the Idempotency-Key, so a send repeated
 * after a lost answer gets the same ticket. A draft is deleted only after a 2xx with the ticket;
 * every other answer keeps it in a state the worker sees:
 *   waiting   — not sent yet, or no network / a server error / 429: sent again later;
 *   sending   — on its way (a draft left so by a closed page is sent again like a waiting one);
 *   attention — refused (400, 409): the server's messages are kept until the worker edits it;
 *   login     — the session is gone (401, 403, a redirect to the log-in page): sent after logging in. */
(function (scope) {
  "use strict";
  var DB_NAME = "govportal-reports", DB_VERSION = 2;
  var STATE = { WAITING: "waiting", SENDING: "sending", ATTENTION: "attention", LOGIN: "login" };
  var channel = "BroadcastChannel" in scope ? new BroadcastChannel("govportal-drafts") : null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("drafts")) { db.createObjectStore("drafts", { keyPath: "key" }); }
        if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta"); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(store)` in one transaction; resolves with the result of the request it returns.
  function inStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function announce() {
    if (channel) { channel.postMessage("changed"); }
  }

  function all() {
    return inStore("drafts", "readonly", function (store) { return store.getAll(); }).then(function (drafts) {
      return (drafts || []).sort(function (a, b) { return a.created - b.created; });
    });
  }

  function get(key) {
    return inStore("drafts", "readonly", function (store) { return store.get(key); });
  }

  function put(draft) {
    draft.updated = Date.now();
    return inStore("drafts", "readwrite", function (store) { store.put(draft); }).then(announce);
  }

  function remove(key) {
    return inStore("drafts", "readwrite", function (store) { store.delete(key); }).then(announce);
  }

  // {user, csrf} of the last page opened while logged in, for the service worker's sends.
  function session() {
    return inStore("meta", "readonly", function (store) { return store.get("session"); });
  }

  function sessionSave(value) {
    return inStore("meta", "readwrite", function (store) { store.put(value, "session"); });
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    scope.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readJson(response) {
    var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    return isJson ? response.json() : Promise.resolve({ message: response.status + " " + response.statusText });
  }

  // The outcome of the server's answer: {ticket} when it confirmed one, else the draft's next state.
  function outcomeOf(response) {
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      return Promise.resolve({ state: STATE.LOGIN });
    }
    if (response.status >= 500 || response.status === 429) {  // the server's trouble, or too many at once
      return Promise.resolve({ state: STATE.WAITING });
    }
    return readJson(response).then(function (data) {
      if (response.ok) { return { ticket: data }; }
      return { state: STATE.ATTENTION, message: data.message || "", errors: (data.extra && data.extra.fields) || {} };
    });
  }

  function post(draft, csrf) {
    var body = new FormData();
    Object.keys(draft.fields).forEach(function (name) { body.append(name, draft.fields[name]); });
    draft.photos.forEach(function (photo) { body.append("photos", photo, photo.name); });
    return fetch(draft.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf, "Idempotency-Key": draft.key, "Accept": "application/json" }
    });
  }

  /* Send one stored draft and record what came of it. Resolves with the outcome:
   * {ticket} (the draft is deleted), or {state, message, errors} (kept in that state),
   * with `offline: true` when no answer came. */
  function deliver(draft, csrf) {
    draft.state = STATE.SENDING;
    return put(draft).then(function () {
      return post(draft, csrf).then(outcomeOf, function () { return { state: STATE.WAITING, offline: true }; });
    }).then(function (outcome) {
      if (outcome.ticket) { return remove(draft.key).then(function () { return outcome; }); }
      return mark(draft, outcome).then(function () { return outcome; });
    });
  }

  function mark(draft, outcome) {
    draft.state = outcome.state;
    if (outcome.state === STATE.ATTENTION) { draft.message = outcome.message; draft.errors = outcome.errors; }
    return put(draft);
  }

  // One flush at a time across pages and the service worker (Web Locks where the browser has them).
  function locked(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("govportal-drafts-flush", work) : work();
  }

  /* Send `user`'s drafts that do not need their attention, oldest first. Stops at the first that
   * gets no answer; once the session is refused, the rest are marked "log in again" unsent.
   * Resolves with {sent: [tickets], offline, login}. */
  function flush(current) {
    return locked(function () {
      return all().then(function (drafts) {
        var result = { sent: [], offline: false, login: false };
        return drafts.filter(function (draft) {
          return draft.owner === current.user && draft.state !== STATE.ATTENTION;
        }).reduce(function (chain, draft) {
          return chain.then(function () {
            if (result.offline) { return null; }
            if (result.login) { return draft.state === STATE.LOGIN ? null : mark(draft, { state: STATE.LOGIN }); }
            return deliver(draft, current.csrf).then(function (outcome) {
              if (outcome.ticket) { result.sent.push(outcome.ticket); }
              result.offline = Boolean(outcome.offline);
              result.login = outcome.state === STATE.LOGIN;
            });
          });
        }, Promise.resolve()).then(function () { return result; });
      });
    });
  }

  // Send one draft the worker just saved (deliver's outcome), never at the same time as a flush.
  function send(draft, csrf) {
    return locked(function () { return deliver(draft, csrf); });
  }

  scope.GovDrafts = {
    STATE: STATE, all: all, get: get, put: put, remove: remove, send: send, flush: flush,
    session: session, sessionSave: sessionSave, newKey: newKey, channel: channel
  };
})(self);

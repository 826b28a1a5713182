/* On every page of a logged-in user: the service worker, and the report drafts kept on this phone.
 *
 * Registers the service worker (pages open offline), tells it the session's CSRF token, sends the
 * user's waiting drafts on page load and when the network returns (and asks for a Background Sync
 * where the browser has one), and lists the drafts with their state in #drafts where a page has it. */
/* global GovDrafts, gettext, interpolate */
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user;
  if (!user || !("indexedDB" in window)) { return; }
  var STATE = GovDrafts.STATE;
  var STATE_LABELS = {
    waiting: gettext("Waiting to be sent"),
    sending: gettext("Sending"),
    attention: gettext("Needs attention"),
    login: gettext("Log in again to send")
  };
  var STATE_BADGES = { waiting: "", sending: "", attention: "danger", login: "warning" };

  // The CSRF cookie, not a token in the page: a page opened from the cache may be older than the login.
  function csrfToken() {
    var name = body.dataset.csrfCookie + "=";
    var found = document.cookie.split("; ").filter(function (pair) { return pair.indexOf(name) === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length)) : "";
  }

  function current() { return { user: user, csrf: csrfToken() }; }

  function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("send-drafts"); }
    }).catch(function () { /* no Background Sync: page loads and `online` send them */ });
  }

  function flush() {
    return GovDrafts.flush(current()).then(function (result) {
      if (result.offline) { askForSync(); }
      return result;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function link(href, text) {
    var node = element("a", "button", text);
    node.href = href;
    return node;
  }

  function problems(draft) {
    var box = element("div", "errors");
    box.setAttribute("role", "alert");
    if (draft.message) { box.appendChild(element("p", "", draft.message)); }
    Object.keys(draft.errors || {}).forEach(function (field) {
      var label = (draft.labels && draft.labels[field]) || field;
      box.appendChild(element("p", "", label + ": " + [].concat(draft.errors[field]).join(" ")));
    });
    return box;
  }

  function item(draft, container) {
    var row = element("li", "draft");
    row.dataset.key = draft.key;
    row.dataset.state = draft.state;
    var head = element("p");
    head.appendChild(element("span", "badge " + STATE_BADGES[draft.state], STATE_LABELS[draft.state]));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(element("strong", "", draft.categoryName || ""));
    head.appendChild(element("span", "hint", " · " + new Date(draft.created).toLocaleString()));
    row.appendChild(head);
    row.appendChild(element("p", "description", draft.fields.description));
    if (draft.photos.length) {
      row.appendChild(element("p", "hint", interpolate(gettext("%s photo(s)"), [draft.photos.length])));
    }
    if (draft.state === STATE.ATTENTION) {
      row.appendChild(problems(draft));
      row.appendChild(link(container.dataset.reportUrl + "#draft=" + draft.key, gettext("Edit and send again")));
    } else if (draft.state === STATE.LOGIN) {
      row.appendChild(link(container.dataset.loginUrl, gettext("Log in again to send")));
    }
    return row;
  }

  function render() {
    var container = document.getElementById("drafts");
    if (!container) { return Promise.resolve(); }
    return GovDrafts.all().then(function (drafts) {
      var mine = drafts.filter(function (draft) { return draft.owner === user; });
      var list = container.querySelector("ul");
      list.replaceChildren.apply(list, mine.map(function (draft) { return item(draft, container); }));
      container.hidden = mine.length === 0;
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" });
    navigator.serviceWorker.ready.then(function (registration) {
      registration.active.postMessage("keep-offline-pages");
    });
    var logout = document.querySelector("form[data-logout]");
    if (logout) {
      logout.addEventListener("submit", function () {
        var worker = navigator.serviceWorker.controller;
        if (worker) { worker.postMessage("logged-out"); }
      });
    }
  }
  if (GovDrafts.channel) { GovDrafts.channel.addEventListener("message", render); }
  window.GovOffline = { render: render, flush: flush, askForSync: askForSync, current: current };
  GovDrafts.sessionSave(current()).then(render).then(flush).then(render);
  window.addEventListener("online", function () { flush().then(render); });
})();

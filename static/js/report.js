/* The report form on a phone: browser position with a draggable pin, and an offline queue.
 *
 * A report is sent to the API with its Idempotency-Key (made once per draft). If the network
 * fails, the whole draft — photos included — is kept in IndexedDB and sent again when the
 * browser comes back online or the page is opened again; the key makes a repeat harmless. */
(function () {
  "use strict";
  L.Icon.Default.imagePath = document.body.dataset.leafletImages;  // hashed static names defeat auto-detection
  var form = document.getElementById("report-form");
  var labels = JSON.parse(document.getElementById("report-labels").textContent);
  var status = document.getElementById("queue-status");
  var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var offline = Boolean(form.dataset.apiUrl);  // the citizen form posts as a plain form

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  // --- map and position ---
  var start = [Number(lat.value) || 23.02, Number(lng.value) || 113.75];
  var map = L.map("report-map").setView(start, 16);
  if (document.body.dataset.tileUrl) {
    L.tileLayer(document.body.dataset.tileUrl, { attribution: document.body.dataset.tileAttribution, maxZoom: 19 })
      .addTo(map);
  }
  var pin = L.marker(start, { draggable: true }).addTo(map);
  function place(latlng) {
    lat.value = latlng.lat.toFixed(7);
    lng.value = latlng.lng.toFixed(7);
    document.getElementById("position").textContent = fmt(labels.position, { lat: lat.value, lng: lng.value });
  }
  // Whether the position is the device's or set by hand: only the latter keeps photos' GPS (incidents.services).
  var source = form.elements.position_source;
  function setSource(value) { if (source) { source.value = value; } }
  pin.on("dragend", function () { setSource("map"); place(pin.getLatLng()); });
  map.on("click", function (event) { setSource("map"); pin.setLatLng(event.latlng); place(event.latlng); });
  if (lat.value && lng.value) { place(pin.getLatLng()); }
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      var here = L.latLng(p.coords.latitude, p.coords.longitude);  // browsers give WGS-84
      pin.setLatLng(here); map.setView(here, 17); place(here); setSource("device");
    }, function () { status.textContent = labels.noGeolocation; }, { enableHighAccuracy: true, timeout: 10000 });
  }

  // --- self-handled needs feedback ---
  var selfHandled = document.getElementById("id_self_handled");
  var feedbackRow = document.getElementById("feedback-row");
  function toggleFeedback() { feedbackRow.hidden = !selfHandled.checked; }
  if (selfHandled) {
    selfHandled.addEventListener("change", toggleFeedback);
    toggleFeedback();
  }
  if (!offline) { return; }

  // --- offline queue in IndexedDB ---
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("govportal-reports", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("drafts", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("drafts", mode);
        var result = work(tx.objectStore("drafts"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function draftFromForm() {
    var fields = {};
    ["category", "urgency", "description", "address", "lat", "lng", "feedback", "position_source"].forEach(function (name) {
      fields[name] = form.elements[name].value;
    });
    fields.self_handled = selfHandled.checked;
    return { key: form.elements.idempotency_key.value, fields: fields,
             photos: Array.prototype.slice.call(document.getElementById("id_photos").files) };
  }
  // Resolves with the server's answer; rejects only when the request never got one (no network).
  function send(draft) {
    var body = new FormData();
    Object.keys(draft.fields).forEach(function (name) { body.append(name, draft.fields[name]); });
    draft.photos.forEach(function (photo) { body.append("photos", photo, photo.name); });
    return fetch(form.dataset.apiUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Idempotency-Key": draft.key, "Accept": "application/json" }
    }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      var data = isJson ? response.json() : Promise.resolve({ message: response.status + " " + response.statusText });
      return data.then(function (body) { return { ok: response.ok, status: response.status, data: body }; });
    });
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function say(text) {
    status.textContent = text;
    if (text) { status.scrollIntoView({ block: "center" }); }
  }
  function showFieldErrors(fields) {
    form.querySelectorAll(".errors.js").forEach(function (node) { node.remove(); });
    Object.keys(fields).forEach(function (name) {
      var input = form.elements[name] || form.querySelector("button");
      var box = document.createElement("div");
      box.className = "errors js"; box.setAttribute("role", "alert");
      box.textContent = fields[name].join(" ");
      input.insertAdjacentElement("afterend", box);
    });
  }
  var flushing = null;  // one flush at a time: the timer, the online event and page load all ask
  function flushQueue() {
    if (flushing) { return flushing; }
    flushing = store("readonly", function (drafts) { return drafts.getAll(); }).then(function (queued) {
      queued = queued || [];
      if (queued.length) { say(fmt(labels.waiting, { count: queued.length })); }
      return queued.reduce(function (chain, draft) {
        return chain.then(function () {
          return send(draft).then(function (result) {
            // Delivered, or refused for good (4xx): drop it. A 5xx keeps it for the next try.
            if (result.ok || (result.status >= 400 && result.status < 500)) {
              return store("readwrite", function (drafts) { drafts.delete(draft.key); }).then(function () {
                if (result.ok) { say(fmt(labels.sent, { number: result.data.number })); }
              });
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* still offline */ }).then(function () { flushing = null; });
    return flushing;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var draft = draftFromForm();
    say(labels.sending);
    send(draft).then(function (result) {
      if (result.ok) {
        say(fmt(labels.sent, { number: result.data.number }));
        window.location.href = form.dataset.mineUrl;
      } else if (result.status === 409) {  // the key came back with other content: sent again, it is a new report
        form.elements.idempotency_key.value = newKey();
        say(labels.sentBefore);
      } else {
        say(result.data.message || "");
        showFieldErrors((result.data.extra && result.data.extra.fields) || {});
      }
    }).catch(function () {  // network down: keep the whole draft, photos included
      store("readwrite", function (drafts) { drafts.put(draft); }).then(function () {
        form.reset();  // the next report on this page is a new draft with a new key
        form.elements.idempotency_key.value = newKey();
        place(pin.getLatLng());  // reset() emptied the hidden position
        toggleFeedback();
        say(labels.queued);
      });
    });
  });
  window.addEventListener("online", flushQueue);
  setInterval(flushQueue, 30000);
  flushQueue();
})();

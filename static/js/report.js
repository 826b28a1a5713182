/* The report form on a phone: browser position with a draggable pin, and drafts that are never lost.
 *
 * A grid worker's report is checked here, saved as a draft on the phone (drafts.js: IndexedDB,
 * photos included, its Idempotency-Key made once) and then sent; the draft is deleted only once
 * the server answers with the ticket. Without a network it waits and is sent later (offline.js,
 * the service worker); refused, it stays on the phone "needs attention" with the server's
 * messages and opens here again (#draft=KEY) to be fixed and sent with the same key. */
/* global L, GovBasemap, GovDrafts, GovOffline, gettext, interpolate */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var labels = JSON.parse(document.getElementById("report-labels").textContent);
  var status = document.getElementById("queue-status");
  var lat = document.getElementById("id_lat"), lng = document.getElementById("id_lng");
  var offline = Boolean(form.dataset.apiUrl);  // the citizen form posts as a plain form

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  // --- map and position: the pin is where the base map shows it, the fields hold WGS-84 ---
  var start = GovBasemap.toDisplay([Number(lat.value) || 23.02, Number(lng.value) || 113.75]);
  var map = GovBasemap.map("report-map").setView(start, 16);
  var pin = L.marker(start, { draggable: true }).addTo(map);
  function place(shown) {
    var latlng = GovBasemap.fromDisplay(shown);
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
  var fixingDraft = /^#draft=/.test(window.location.hash);  // a draft being fixed keeps its place
  if (navigator.geolocation && !fixingDraft) {
    navigator.geolocation.getCurrentPosition(function (p) {
      var here = GovBasemap.toDisplay([p.coords.latitude, p.coords.longitude]);  // browsers give WGS-84
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

  // --- drafts kept on the phone (drafts.js) until the server confirms the ticket ---
  var STATE = GovDrafts.STATE;
  var FIELDS = ["category", "urgency", "description", "address", "lat", "lng", "feedback", "position_source"];
  var photosInput = document.getElementById("id_photos");
  var photosHint = document.createElement("p");
  photosHint.className = "hint";
  photosInput.insertAdjacentElement("afterend", photosHint);
  var edited = null;  // the stored draft on the form, if it came from the phone: its key, date and photos

  function say(text, href) {
    status.textContent = text;
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.className = "button";
      link.textContent = gettext("Log in again to send");
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
    if (text) { status.scrollIntoView({ block: "center" }); }
  }
  function anchorOf(name) {
    if (name === "lat" || name === "lng") { return document.getElementById("position"); }
    return form.elements[name] || form.querySelector("button");
  }
  function showFieldErrors(fields) {
    form.querySelectorAll(".errors.js").forEach(function (node) { node.remove(); });
    Object.keys(fields).forEach(function (name) {
      if (name === "lng" && fields.lat) { return; }  // one message for the place
      var box = document.createElement("div");
      box.className = "errors js"; box.setAttribute("role", "alert");
      box.textContent = [].concat(fields[name]).join(" ");
      anchorOf(name).insertAdjacentElement("afterend", box);
    });
  }
  // What the server would refuse for sure, found before anything is saved: the draft could never be sent.
  function invalidFields() {
    var errors = {};
    var required = gettext("This field is required.");
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && input.willValidate && !input.checkValidity()) {
        errors[input.name] = [input.validity.valueMissing ? required : input.validationMessage];
      }
    });
    if (!lat.value || !lng.value) { errors.lat = [gettext("Set the place: drag the pin on the map.")]; }
    if (selfHandled.checked && !form.elements.feedback.value.trim()) { errors.feedback = [required]; }
    return errors;
  }
  // The fields' labels, kept with the draft for the server's messages in the drafts list.
  function fieldLabels() {
    var names = {};
    FIELDS.concat(["self_handled", "photos"]).forEach(function (name) {
      var label = form.querySelector("label[for='id_" + name + "']");
      names[name] = label ? label.textContent.trim() : name;
    });
    names.lat = names.lng = form.querySelector("label:not([for])").textContent.trim();  // the place
    return names;
  }
  function draftFromForm() {
    var fields = {};
    FIELDS.forEach(function (name) { fields[name] = form.elements[name].value; });
    fields.self_handled = selfHandled.checked;
    var chosen = Array.prototype.slice.call(photosInput.files);
    var category = form.elements.category;
    return {
      key: form.elements.idempotency_key.value, owner: document.body.dataset.user, url: form.dataset.apiUrl,
      fields: fields, photos: chosen.length || !edited ? chosen : edited.photos, labels: fieldLabels(),
      categoryName: category.value ? category.options[category.selectedIndex].text : "",
      state: STATE.WAITING, message: "", errors: {}, created: edited ? edited.created : Date.now()
    };
  }
  // Set by script, the category tells its listeners (urgency_choices.js offers its urgencies) as a choice would.
  function categorySet() { form.elements.category.dispatchEvent(new Event("change")); }
  function startNew() {  // the next report on this page is a new draft with a new key
    form.reset();
    form.elements.idempotency_key.value = GovDrafts.newKey();
    place(pin.getLatLng());  // reset() emptied the hidden position
    toggleFeedback();
    categorySet();
    edited = null;
    photosHint.textContent = "";
    if (window.location.hash) { window.history.replaceState(null, "", window.location.pathname); }
  }
  function edit(draft) {
    edited = draft;
    FIELDS.forEach(function (name) { form.elements[name].value = draft.fields[name]; });
    categorySet();  // the draft's urgency stays unless the category no longer allows it
    selfHandled.checked = draft.fields.self_handled === true;
    form.elements.idempotency_key.value = draft.key;
    toggleFeedback();
    var here = GovBasemap.toDisplay([Number(lat.value), Number(lng.value)]);
    pin.setLatLng(here); map.setView(here, 17); place(here);
    photosHint.textContent = draft.photos.length ?
      interpolate(gettext("%s photo(s) kept; choose photos to replace them."), [draft.photos.length]) : "";
    showFieldErrors(draft.errors || {});
    say(draft.message || "");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var errors = invalidFields();
    showFieldErrors(errors);
    if (Object.keys(errors).length) { say(gettext("Correct the marked fields: nothing was saved.")); return; }
    var draft = draftFromForm();
    say(labels.sending);
    GovDrafts.put(draft).then(function () {
      return GovDrafts.send(draft, GovOffline.current().csrf);
    }).then(function (outcome) {
      GovOffline.render();
      if (outcome.ticket) {
        say(fmt(labels.sent, { number: outcome.ticket.number }));
        window.location.href = form.dataset.mineUrl;
      } else if (outcome.state === STATE.ATTENTION) {
        edited = draft;
        say(outcome.message);
        showFieldErrors(outcome.errors);
      } else if (outcome.state === STATE.LOGIN) {
        startNew();
        say(gettext("The session has ended: the report is kept on this phone and is sent after you log in again."),
            form.dataset.loginUrl);
      } else {  // no network, or the server failed: sent later
        startNew();
        say(labels.queued);
        GovOffline.askForSync();
      }
    }, function () {  // the phone's storage refused it (full?): nothing was sent, the form still holds it
      say(gettext("The report could not be kept on this phone and was not sent; free some space and try again."));
    });
  });
  function editFromHash() {  // #draft=KEY: a link from the drafts list, on this page or another
    var key = (window.location.hash.match(/^#draft=(\w+)$/) || [])[1];
    if (key) { GovDrafts.get(key).then(function (draft) { if (draft) { edit(draft); } }); }
  }
  window.addEventListener("hashchange", editFromHash);
  window.addEventListener("online", function () {  // from here on the drafts list tells what became of it
    if (status.textContent === labels.queued) { say(""); }
  });
  editFromHash();
})();

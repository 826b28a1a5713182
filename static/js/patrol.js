/* A patrol's page: its track on a map, its time and distance; on the worker's open patrol, the recorder.
 *
 * The recorder follows the phone's position (watchPosition), keeps each fix on the phone with its
 * sequence number (patrol_points.js) and sends the kept fixes whenever it can: after each fix, every
 * 20 s and when the network returns. It keeps the screen awake (Screen Wake Lock) where the browser
 * can, and says so, because a web page records only while it is open. Ending the patrol sends the
 * last fixes first. Findings (a problem reported, nothing found) are sent at the last fix's place. */
/* global L, GovPatrolPoints, GovDrafts, gettext, interpolate */
(function () {
  "use strict";
  var card = document.getElementById("patrol");
  if (!card) { return; }
  var patrol = Number(card.dataset.patrol);
  var started = new Date(card.dataset.started);
  var ended = card.dataset.ended ? new Date(card.dataset.ended) : null;
  var distance = Number(card.dataset.distance);
  var map = null, line = null, lastFix = null;

  function $(id) { return document.getElementById(id); }
  function csrf() { return window.GovOffline ? window.GovOffline.current().csrf : ""; }

  function showTime() {
    var seconds = Math.max(0, Math.floor(((ended || new Date()) - started) / 1000));
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60;
    $("patrol-time").textContent = hours + ":" + ("0" + minutes).slice(-2) + ":" + ("0" + seconds % 60).slice(-2);
  }

  function showDistance() {
    $("patrol-distance").textContent = distance >= 1000
      ? interpolate(gettext("%s km"), [(distance / 1000).toFixed(2)])
      : interpolate(gettext("%s m"), [Math.round(distance)]);
  }

  // Metres between two [lat, lng] on a sphere (haversine): the phone's running figure; the server's is the record.
  function metres(a, b) {
    var rad = Math.PI / 180, dLat = (b[0] - a[0]) * rad, dLng = (b[1] - a[1]) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.pow(Math.sin(dLng / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }

  function drawMap(coordinates) {
    L.Icon.Default.imagePath = document.body.dataset.leafletImages;
    map = L.map("patrol-map");
    var tiles = document.body.dataset.tileUrl;
    if (tiles) { L.tileLayer(tiles, { attribution: document.body.dataset.tileAttribution, maxZoom: 19 }).addTo(map); }
    line = L.polyline(coordinates, { color: "#b03a2e", weight: 4 }).addTo(map);
    if (coordinates.length) { map.fitBounds(line.getBounds(), { maxZoom: 17 }); } else { map.setView([23, 113.7], 13); }
  }

  function loadTrack() {
    return fetch(card.dataset.trackUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) {
        var coordinates = data.track ? data.track.coordinates.map(function (c) { return [c[1], c[0]]; }) : [];
        drawMap(coordinates);
        return coordinates[coordinates.length - 1] || null;
      }, function () { drawMap([]); return null; });
  }

  showTime();
  showDistance();
  if (!("recording" in card.dataset)) { loadTrack(); return; }

  // --- the recorder ---
  var nextSeq = Number(card.dataset.lastSeq) + 1;
  var sending = null, again = false;
  var status = $("patrol-status");

  function say(text) { status.textContent = text; }

  function showWaiting() {
    return GovPatrolPoints.count(patrol).then(function (n) { $("patrol-waiting").textContent = n; return n; });
  }

  function sendKept() {
    if (sending) { again = true; return sending; }
    sending = GovPatrolPoints.send(patrol, card.dataset.pointsUrl, csrf()).then(function (result) {
      if (result.server) { $("patrol-stored").textContent = result.server.point_count; }
      if (result.login) { say(gettext("Log in again: the points are kept on this phone until then.")); }
      else if (result.refused) { say(result.refused); }
      else if (result.offline) { say(gettext("No network: the points are kept on this phone and sent later.")); }
      else { say(gettext("Recording: every point has reached the server.")); }
      return showWaiting();
    }).catch(function (error) { say(String(error)); }).then(function () {
      sending = null;
      if (again) { again = false; return sendKept(); }
    });
    return sending;
  }

  function record(position) {
    var at = [position.coords.latitude, position.coords.longitude];
    if (lastFix && lastFix[0] === at[0] && lastFix[1] === at[1]) { return; }
    if (lastFix) { distance += metres(lastFix, at); }
    lastFix = at;
    showDistance();
    if (line) { line.addLatLng(at); map.fitBounds(line.getBounds(), { maxZoom: 17 }); }
    var point = { patrol: patrol, seq: nextSeq++, lat: at[0], lng: at[1], accuracy: position.coords.accuracy,
                  recordedAt: new Date(position.timestamp).toISOString() };
    GovPatrolPoints.add(point).then(showWaiting).then(sendKept);
  }

  function keepAwake() {
    var note = $("wake-lock-status");
    if (!("wakeLock" in navigator)) {
      note.textContent = gettext("This browser cannot keep the screen awake: keep this page open and the screen on while you patrol.");
      return;
    }
    navigator.wakeLock.request("screen").then(function () {
      note.textContent = gettext("The screen stays on while this page is open: the track is recorded only while it is.");
    }, function () {
      note.textContent = gettext("The screen could not be kept awake: keep this page open and the screen on while you patrol.");
    });
  }

  function followPosition() {
    if (!("geolocation" in navigator)) { say(gettext("This browser cannot tell where you are.")); return; }
    navigator.geolocation.watchPosition(record, function () {
      say(gettext("The phone did not give its position: allow location for this site."));
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
  }

  function postFinding(url, body, headers) {
    var status = $("finding-status");
    if (!lastFix) { status.textContent = gettext("Waiting for the phone's position…"); return Promise.resolve(null); }
    body.lat = lastFix[0];
    body.lng = lastFix[1];
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: Object.assign({ "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
                             headers || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var fields = (data.extra && data.extra.fields) || {};
          var messages = Object.keys(fields).map(function (name) { return [].concat(fields[name]).join(" "); });
          status.textContent = messages.join(" ") || data.message;
          return null;
        }
        var item = document.createElement("li");
        item.textContent = new Date(data.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
          " · " + (data.ticket_number ? interpolate(gettext("Problem reported: %s"), [data.ticket_number]) : gettext("Nothing found")) +
          (data.note ? " · " + data.note : "");
        var empty = $("no-findings");
        if (empty) { empty.remove(); }
        $("findings").appendChild(item);
        status.textContent = data.ticket_number ? interpolate(gettext("Reported as %s."), [data.ticket_number]) : gettext("Noted.");
        return data;
      });
    }, function () {
      status.textContent = gettext("No network: nothing was sent. Try again once the phone is online.");
      return null;
    });
  }

  $("problem-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    if (!form.dataset.key) { form.dataset.key = GovDrafts.newKey(); }  // the same key for every retry of this report
    postFinding(card.dataset.problemUrl, { category: form.category.value, description: form.description.value },
                { "Idempotency-Key": form.dataset.key }).then(function (data) {
      if (data) { form.reset(); delete form.dataset.key; }
    });
  });

  $("nothing-found-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    postFinding(card.dataset.nothingFoundUrl, { note: form.note.value }).then(function (data) {
      if (data) { form.reset(); }
    });
  });

  $("end-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    sendKept().then(showWaiting).then(function (waiting) {
      if (waiting) {
        say(interpolate(gettext("%s points are still on this phone: end the patrol once the network is back."), [waiting]));
        return;
      }
      form.submit();
    });
  });

  setInterval(showTime, 1000);
  setInterval(sendKept, 20000);
  window.addEventListener("online", sendKept);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { keepAwake(); sendKept(); }
  });
  loadTrack().then(function (last) {
    lastFix = last;
    return GovPatrolPoints.lastSeq(patrol);
  }).then(function (kept) {
    nextSeq = Math.max(nextSeq, kept + 1);
    keepAwake();
    followPosition();
    return showWaiting();
  }).then(sendKept);
})();

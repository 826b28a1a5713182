/* The daily check-in (签到): the phone's position, sent to the server, which compares it with the grid. */
/* global gettext, interpolate */
(function () {
  "use strict";
  var card = document.getElementById("check-in");
  var button = document.getElementById("check-in-button");
  if (!card || !button) { return; }
  var status = document.getElementById("check-in-status");

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "errors" : "hint";
  }

  function csrf() { return window.GovOffline ? window.GovOffline.current().csrf : ""; }

  function send(position) {
    return fetch(card.dataset.apiUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ lat: position.coords.latitude, lng: position.coords.longitude,
                             accuracy: position.coords.accuracy })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          var time = new Date(data.checked_in_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          say(interpolate(gettext("Checked in at %(time)s in %(grid)s."), { time: time, grid: data.grid_name }, true));
          button.remove();
          return;
        }
        var fields = (data.extra && data.extra.fields) || {};
        say((fields.location || [data.message]).join(" "), true);
      });
    }, function () { say(gettext("No network: check in again once the phone is online."), true); });
  }

  button.addEventListener("click", function () {
    if (!("geolocation" in navigator)) { say(gettext("This browser cannot tell where you are."), true); return; }
    say(gettext("Finding your position…"));
    navigator.geolocation.getCurrentPosition(send, function () {
      say(gettext("The phone did not give its position: allow location for this site and try again."), true);
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 0 });
  });
})();

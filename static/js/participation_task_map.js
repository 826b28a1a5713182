/* The open tasks of a volunteer's communities on a map, beside their list: a pin per task (tap: its
 * title, place and time, and a link to it in the list), and where the phone is, if it tells. */
/* global L, GovBasemap */
(function () {
  "use strict";
  var element = document.getElementById("task-map");
  if (!element) { return; }
  var tasks = JSON.parse(document.getElementById("task-points").textContent);
  var labels = JSON.parse(document.getElementById("task-map-labels").textContent);
  var map = GovBasemap.map(element);
  var places = tasks.map(function (task) { return GovBasemap.toDisplay([task.lat, task.lng]); });
  if (places.length) { map.fitBounds(L.latLngBounds(places).pad(0.3), { maxZoom: 16 }); }

  tasks.forEach(function (task, index) {
    var label = task.title + " · " + task.place;
    L.marker(places[index], {
      icon: L.divIcon({ className: "task-pin", iconSize: [14, 14] }), title: label, alt: label
    })
      .bindPopup("<strong>" + GovBasemap.escapeHtml(task.title) + "</strong><br>" +
        GovBasemap.escapeHtml(task.place + " · " + task.starts) + '<br><a href="#task-' + task.id + '">' +
        GovBasemap.escapeHtml(labels.seeTask) + "</a>")
      .addTo(map);
  });

  // Near them: the phone's position as a dot, the view widened to hold it with the tasks.
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (position) {
      var here = GovBasemap.toDisplay([position.coords.latitude, position.coords.longitude]);
      L.circleMarker(here, { radius: 7, className: "you-are-here", color: "#1f618d", fillOpacity: 0.8 })
        .bindTooltip(GovBasemap.escapeHtml(labels.youAreHere)).addTo(map);
      map.fitBounds(L.latLngBounds(places.concat([here])).pad(0.3), { maxZoom: 16 });
      element.dataset.located = "true";
    }, function () { /* no position: the tasks alone */ }, { timeout: 15000 });
  }
})();

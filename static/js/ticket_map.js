/* Small maps: the board's open tickets clustered with counts (overdue in red), and one ticket's place. */
/* global L, GovBasemap */
(function () {
  "use strict";
  var board = document.getElementById("board-map");
  if (board) {
    var points = JSON.parse(document.getElementById("map-points").textContent);
    var map = GovBasemap.map(board);
    var places = points.map(function (p) { return GovBasemap.toDisplay([p.lat, p.lng]); });
    // The view first: the clusters are made for a zoom. Without a tile layer's limit one ticket
    // would zoom in to the last street lamp: cap the fit.
    if (places.length) { map.fitBounds(L.latLngBounds(places).pad(0.2), { maxZoom: 16 }); }
    else { map.setView([23.02, 113.75], 12); }
    var clusters = L.markerClusterGroup({ maxClusterRadius: 50 });
    points.forEach(function (p, index) {
      var label = p.number + " · " + p.category + " · " + p.status_display;
      L.marker(places[index], {
        icon: L.divIcon({ className: "ticket-dot" + (p.overdue ? " overdue" : ""), iconSize: [12, 12] }),
        title: label, alt: label
      })
        .bindTooltip(GovBasemap.escapeHtml(label))  // hover
        .bindPopup('<a href="/tickets/' + p.id + '/">' + GovBasemap.escapeHtml(p.number) + "</a><br>" +
          GovBasemap.escapeHtml(p.category + " · " + p.status_display))  // tap
        .addTo(clusters);
    });
    clusters.addTo(map);
  }
  var one = document.getElementById("ticket-map");
  if (one) {
    var at = GovBasemap.toDisplay([Number(one.dataset.lat), Number(one.dataset.lng)]);
    var detail = GovBasemap.map(one).setView(at, 17);
    L.marker(at).addTo(detail);
  }
})();

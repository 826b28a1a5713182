/* Small maps: the board's open tickets (overdue in red) and one ticket's place. */
(function () {
  "use strict";
  L.Icon.Default.imagePath = document.body.dataset.leafletImages;  // hashed static names defeat auto-detection
  function baseLayer(map) {
    var tiles = document.body.dataset.tileUrl;
    if (tiles) { L.tileLayer(tiles, { attribution: document.body.dataset.tileAttribution, maxZoom: 19 }).addTo(map); }
    return map;
  }
  var board = document.getElementById("board-map");
  if (board) {
    var points = JSON.parse(document.getElementById("map-points").textContent);
    var map = baseLayer(L.map(board));
    var markers = points.map(function (p) {
      return L.circleMarker([p.lat, p.lng], {
        radius: 6, color: p.overdue ? "#c0392b" : "#1f618d", fillOpacity: 0.8, className: "ticket-marker"
      }).bindPopup('<a href="/tickets/' + p.id + '/">' + p.number + "</a> " + p.category).addTo(map);
    });
    // Without a tile layer the map has no maximum zoom: cap it, or one marker zooms to infinity.
    if (markers.length) { map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2), { maxZoom: 16 }); }
    else { map.setView([23.02, 113.75], 12); }
  }
  var one = document.getElementById("ticket-map");
  if (one) {
    var at = [Number(one.dataset.lat), Number(one.dataset.lng)];
    var detail = baseLayer(L.map(one)).setView(at, 17);
    L.marker(at).addTo(detail);
  }
})();

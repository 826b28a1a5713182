/* The map of a day's patrol tracks in an area (the community's leadership and up). */
/* global L, gettext, interpolate */
(function () {
  "use strict";
  var box = document.getElementById("tracks-map");
  if (!box) { return; }
  L.Icon.Default.imagePath = document.body.dataset.leafletImages;
  var map = L.map(box).setView([23, 113.7], 12);
  var tiles = document.body.dataset.tileUrl;
  if (tiles) { L.tileLayer(tiles, { attribution: document.body.dataset.tileAttribution, maxZoom: 19 }).addTo(map); }
  var status = document.getElementById("tracks-status");

  function label(properties) {
    var text = document.createElement("span");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.worker + " · " + properties.grid;
    text.appendChild(link);
    text.appendChild(document.createTextNode(" · " + properties.status + " · " + interpolate(gettext("%s km"), [properties.km])));
    return text;
  }

  fetch(box.dataset.tracksUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: { color: "#b03a2e", weight: 3 },
        onEachFeature: function (feature, line) { line.bindPopup(label(feature.properties)); }
      }).addTo(map);
      status.textContent = interpolate(gettext("%s patrols with a track today."), [collection.features.length]);
      if (collection.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16 }); }
    }, function () { status.textContent = gettext("The tracks could not be loaded."); });
})();

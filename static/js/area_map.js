/* The grid map: loads areas of the ticked levels inside the view as GeoJSON, click for details. */
/* global L, GovBasemap */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var PLACEHOLDER = "000000";  // the area code in data-area-url (grids.converters.CODE_PLACEHOLDER)
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var styles = {
    province: { color: "#4a235a", weight: 5, fill: false },
    city: { color: "#7a0019", weight: 4, fill: false },
    district: { color: "#b03a2e", weight: 3, fill: false },
    street: { color: "#1f618d", weight: 2.5, fillOpacity: 0.03 },
    community: { color: "#117a65", weight: 1.5, fillOpacity: 0.05 },
    grid: { color: "#9a7d0a", weight: 1, fillOpacity: 0.08 }
  };
  var nextLevel = {
    "": "district", province: "city", city: "street", district: "street", street: "community", community: "grid"
  };

  var map = GovBasemap.map(el, { preferCanvas: false });
  if (el.dataset.extent) {
    var e = el.dataset.extent.split(",").map(Number);
    map.fitBounds([GovBasemap.toDisplay([e[1], e[0]]), GovBasemap.toDisplay([e[3], e[2]])]);
  } else {
    map.setView(GovBasemap.toDisplay([23.02, 113.75]), 12);
  }

  // One pane per level (the boxes come in the tree's order), finer levels above coarser ones, so a
  // click reaches the smallest area.
  var boxes = document.querySelectorAll("input[data-level]");
  boxes.forEach(function (box, index) {
    map.createPane("level-" + box.value).style.zIndex = 410 + index;
  });

  var layers = {};
  var defaultLevel = nextLevel[el.dataset.scopeLevel] || "grid";
  boxes.forEach(function (box) {
    box.checked = box.value === defaultLevel || box.value === el.dataset.scopeLevel;
    box.addEventListener("change", refresh);
  });
  map.on("moveend", refresh);

  var escapeHtml = GovBasemap.escapeHtml;

  function loadLevel(level, url, layer) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (page) {
        layer.addData(page.features || []);
        if (page.next) { return loadLevel(level, page.next, layer); }
      });
  }

  function refresh() {
    var bounds = map.getBounds();  // shown corners, back to the stored WGS-84
    var south = GovBasemap.fromDisplay(bounds.getSouthWest()), north = GovBasemap.fromDisplay(bounds.getNorthEast());
    var bbox = [south.lng, south.lat, north.lng, north.lat].join(",");
    boxes.forEach(function (box) {
      var level = box.value;
      if (layers[level]) { map.removeLayer(layers[level]); delete layers[level]; }
      if (!box.checked) { return; }
      var layer = L.geoJSON(null, {
        pane: "level-" + level,
        coordsToLatLng: GovBasemap.coordsToLatLng,
        style: Object.assign({ className: "area-" + level }, styles[level]),
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
          shape.on("click", function (event) { showArea(feature.id, event.latlng); });
        }
      }).addTo(map);
      layers[level] = layer;
      var url = el.dataset.areasUrl + "?level=" + level + "&in_bbox=" + bbox;
      loadLevel(level, url, layer);
    });
  }

  function showArea(code, latlng) {
    fetch(el.dataset.areaUrl.replace(PLACEHOLDER, code), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (area) {
        var html = "<h2>" + escapeHtml(area.name) + "</h2><dl>" +
          "<dt>" + labels.code + "</dt><dd>" + escapeHtml(area.code) + "</dd>" +
          "<dt>" + labels.level + "</dt><dd>" + escapeHtml(area.level_display) + "</dd>";
        if (area.parent) { html += "<dt>" + labels.parent + "</dt><dd>" + escapeHtml(area.parent.name) + "</dd>"; }
        if (area.statistics) {
          html += "<dt>" + labels.grids + "</dt><dd>" + area.statistics.grid_count + "</dd>" +
            "<dt>" + labels.workers + "</dt><dd>" + area.statistics.worker_count + "</dd>" +
            "<dt>" + labels.buildings + "</dt><dd>" + area.statistics.building_count + "</dd>" +
            "<dt>" + labels.keyPlaces + "</dt><dd>" + area.statistics.key_place_count + "</dd>";
        }
        html += "</dl>";
        if (area.level === "grid") {
          html += "<h3>" + labels.staff + "</h3>";
          html += area.members.length ? "<ul>" + area.members.map(function (m) {
            return "<li>" + escapeHtml(m.name) + " · " + escapeHtml(m.kind_display) + "</li>";
          }).join("") + "</ul>" : "<p>" + labels.noStaff + "</p>";
        }
        document.getElementById("area-info").innerHTML = html;
        L.popup().setLatLng(latlng).setContent(html).openOn(map);
      })
      .catch(function () {
        document.getElementById("area-info").textContent = labels.loadFailed;
      });
  }

  refresh();
})();

/* GovBasemap: the base map every map page draws on.
 *
 * With tile layers configured (settings.MAP_TILE_LAYERS: 天地图, an intranet WMTS/XYZ service) they are
 * the base; without them (there may be no internet) the area tree itself is: the outlines the API
 * answers for each zoom (simplified, scoped to the user), with the areas' names as labels, the user's
 * own areas highlighted, buildings and key places when zoomed in.
 *
 * Stored coordinates are WGS-84 (CGCS2000). GCJ-02 tiles (AMap, Tencent) are drawn with China's
 * obfuscating offset, so over them every overlay is shifted for display (toDisplay) and a position
 * picked on the map is shifted back before it is stored (fromDisplay); the data never changes. */
/* global L */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("basemap-config").textContent);
  var shifted = config.crs === "gcj02";
  var LEVELS = ["province", "city", "district", "street", "community", "grid"];
  var STYLES = {
    province: { color: "#4a235a", weight: 3.5 },
    city: { color: "#7a0019", weight: 3 },
    district: { color: "#b03a2e", weight: 2.5 },
    street: { color: "#1f618d", weight: 2 },
    community: { color: "#117a65", weight: 1.5 },
    grid: { color: "#9a7d0a", weight: 1, dashArray: "4 3" }
  };
  L.Icon.Default.imagePath = document.body.dataset.leafletImages;  // hashed static names defeat auto-detection

  // --- WGS-84 ↔ GCJ-02: the published forward formula (as grids/coords.py), its inverse by iteration ---
  var KRASOVSKY_A = 6378245.0, KRASOVSKY_EE = 0.00669342162296594323;

  function outOfChina(lng, lat) {
    return !(lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }
  function offset(lng, lat) {
    var x = lng - 105.0, y = lat - 35.0, PI = Math.PI;
    var shared = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + shared;
    dLat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + shared;
    dLng += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dLng += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI;
    var magic = 1 - KRASOVSKY_EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic) * PI);
    dLng = (dLng * 180.0) / (KRASOVSKY_A / sqrtMagic * Math.cos(radLat) * PI);
    return [dLng, dLat];
  }
  function wgs84ToGcj02(lng, lat) {
    if (outOfChina(lng, lat)) { return [lng, lat]; }
    var d = offset(lng, lat);
    return [lng + d[0], lat + d[1]];
  }
  function gcj02ToWgs84(lng, lat) {
    var wgs = [lng, lat];
    if (outOfChina(lng, lat)) { return wgs; }
    for (var i = 0; i < 30; i++) {
      var gcj = wgs84ToGcj02(wgs[0], wgs[1]), errorLng = gcj[0] - lng, errorLat = gcj[1] - lat;
      if (Math.abs(errorLng) < 1e-9 && Math.abs(errorLat) < 1e-9) { break; }
      wgs = [wgs[0] - errorLng, wgs[1] - errorLat];
    }
    return wgs;
  }

  /** Return where a stored (WGS-84) position is drawn on this base map. */
  function toDisplay(latlng) {
    latlng = L.latLng(latlng);
    if (!shifted) { return latlng; }
    var gcj = wgs84ToGcj02(latlng.lng, latlng.lat);
    return L.latLng(gcj[1], gcj[0]);
  }
  /** Return the stored (WGS-84) position of a point picked on this base map. */
  function fromDisplay(latlng) {
    latlng = L.latLng(latlng);
    if (!shifted) { return latlng; }
    var wgs = gcj02ToWgs84(latlng.lng, latlng.lat);
    return L.latLng(wgs[1], wgs[0]);
  }
  /** The coordsToLatLng option of L.geoJSON for WGS-84 GeoJSON drawn over this base map. */
  function coordsToLatLng(coords) {
    return toDisplay([coords[1], coords[0]]);
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // --- the area tree as the base map ---
  function finestLevel(areas) {
    return areas.reduce(function (finest, feature) {
      return Math.max(finest, LEVELS.indexOf(feature.properties.level));
    }, 0);
  }

  function outlineLayer(collection) {
    var areas = collection.features.filter(function (f) { return f.properties.level; });
    var places = collection.features.filter(function (f) { return f.properties.place; });
    var labelled = LEVELS[finestLevel(areas)];  // one level named at a time, or the labels pile up
    var group = L.layerGroup();
    group.labels = [];
    L.geoJSON(areas, {
      pane: "basemap", interactive: false, coordsToLatLng: coordsToLatLng,
      style: function (feature) {
        var p = feature.properties;
        return L.extend({
          className: "basemap-area basemap-" + p.level + (p.own ? " basemap-own" : ""),
          fill: Boolean(p.own), fillColor: "#f5b041", fillOpacity: 0.3
        }, STYLES[p.level]);
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        if (p.level !== labelled && !p.own) { return; }
        var label = L.tooltip({
          // a little below its point: the pages' pins stand on the centre of the view
          pane: "basemap-labels", permanent: true, direction: "center", offset: [0, 14], interactive: false,
          className: "basemap-label basemap-label-" + p.level + (p.own ? " own" : "")
        }).setLatLng(toDisplay([p.label[1], p.label[0]])).setContent(escapeHtml(p.name)).addTo(group);
        group.labels.push({ label: label, anchor: label.getLatLng(), bounds: shape.getBounds() });
      }
    }).addTo(group);
    places.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      L.circleMarker(toDisplay([c[1], c[0]]), {
        pane: "basemap", radius: p.place === "key_place" ? 5 : 3, weight: 1,
        color: p.place === "key_place" ? "#884ea0" : "#7b7d7d", fillOpacity: 0.7,
        className: "basemap-place basemap-" + p.place
      }).bindTooltip(escapeHtml(p.kind ? p.name + " · " + p.kind : p.name)).addTo(group);
    });
    return group;
  }

  // A name whose point lies off screen moves into the visible part of its area: a phone shows a
  // few hundred metres, and a grid worker must still read which grid and community they stand in.
  function placeLabels(map, labels) {
    var view = map.getBounds();
    labels.forEach(function (item) {
      var seen = view.contains(item.anchor) || !view.intersects(item.bounds) ? item.anchor : L.latLngBounds(
        [Math.max(view.getSouth(), item.bounds.getSouth()), Math.max(view.getWest(), item.bounds.getWest())],
        [Math.min(view.getNorth(), item.bounds.getNorth()), Math.min(view.getEast(), item.bounds.getEast())]
      ).getCenter();
      item.label.setLatLng(seen);
    });
  }

  function drawOutline(map) {
    map.createPane("basemap").style.zIndex = 250;  // where tiles would be: under every overlay
    map.createPane("basemap-labels").style.zIndex = 450;  // names above the overlays' areas, under markers
    map.getContainer().classList.add("basemap-outline");
    var answers = {};  // zoom → the outline's promise: zooming back and forth asks once
    var shown = null;

    function outline(zoom) {
      if (!answers[zoom]) {
        answers[zoom] = fetch(config.outlineUrl + "?zoom=" + zoom, {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        });
        answers[zoom].catch(function () { delete answers[zoom]; });  // asked again at the next zoom
      }
      return answers[zoom];
    }
    function refresh() {
      var zoom = Math.round(map.getZoom());
      outline(zoom).then(function (collection) {
        if (Math.round(map.getZoom()) !== zoom) { return; }  // zoomed on meanwhile: that answer draws
        if (shown) { map.removeLayer(shown); }
        shown = outlineLayer(collection).addTo(map);
        placeLabels(map, shown.labels);
        map.getContainer().dataset.basemapZoom = zoom;
      }, function () { /* no outline: the map still works, on a plain background */ });
    }
    map.whenReady(refresh);
    map.on("zoomend", refresh);
    map.on("moveend", function () { if (shown) { placeLabels(map, shown.labels); } });
  }

  /** Return a Leaflet map on `element` (an element or its id) on the configured base map. */
  function createMap(element, options) {
    var map = L.map(element, L.extend({ maxZoom: 19 }, options));
    if (config.tiles.length) {
      config.tiles.forEach(function (tile) {
        L.tileLayer(tile.url, { subdomains: tile.subdomains, attribution: tile.attribution, maxZoom: 19 }).addTo(map);
      });
    } else {
      drawOutline(map);
    }
    return map;
  }

  window.GovBasemap = {
    map: createMap, toDisplay: toDisplay, fromDisplay: fromDisplay, coordsToLatLng: coordsToLatLng,
    wgs84ToGcj02: wgs84ToGcj02, gcj02ToWgs84: gcj02ToWgs84, escapeHtml: escapeHtml
  };
})();

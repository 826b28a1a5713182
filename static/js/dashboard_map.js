/* 综治一张图: the child areas shaded by tickets reported or overdue rate, open work orders
   counted per area (per ticket inside a grid) and clustered on the map, key places and risk sources;
   a click on an area shows its figures with links to its own dashboard and map; and the layers other apps
   register (dashboards.layers), offered to the roles that may see them. */
/* global L, GovBasemap */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var urls = JSON.parse(document.getElementById("map-urls").textContent);
  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var PLACEHOLDER = "000000";
  var SHADES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];

  var map = GovBasemap.map(el);
  var e = el.dataset.extent.split(",").map(Number);
  map.fitBounds([GovBasemap.toDisplay([e[1], e[0]]), GovBasemap.toDisplay([e[3], e[2]])]);

  var layers = {};
  var data = null;

  var escapeHtml = GovBasemap.escapeHtml;

  function percent(value) {
    return value == null ? "—" : (100 * value).toFixed(1) + "%";
  }

  function shadeBy() {
    return document.querySelector("input[name=shade]:checked").value;
  }

  function colour(value, max) {
    if (!value || !max) return SHADES[0];
    return SHADES[Math.min(SHADES.length - 1, Math.floor((value / max) * (SHADES.length - 1) + 0.5))];
  }

  function drawAreas() {
    if (layers.areas) map.removeLayer(layers.areas);
    var key = shadeBy();
    var max = Math.max.apply(null, data.areas.features.map(function (f) { return f.properties[key] || 0; }).concat([0]));
    layers.areas = L.geoJSON(data.areas, {
      coordsToLatLng: GovBasemap.coordsToLatLng,
      style: function (feature) {
        return { color: "#555", weight: 1, fillOpacity: 0.6, fillColor: colour(feature.properties[key], max) };
      },
      onEachFeature: function (feature, layer) {
        layer.on("click", function () { showArea(feature.properties); });
      }
    }).addTo(map);
    layers.areas.bringToBack();
  }

  function showArea(p) {
    var code = p.code;
    document.getElementById("map-info").innerHTML =
      "<h2>" + escapeHtml(p.name) + "</h2><p><small>" + escapeHtml(code) + "</small></p><dl class='facts'>" +
      "<dt>" + escapeHtml(labels.density) + "</dt><dd>" + p.reported + "</dd>" +
      "<dt>" + escapeHtml(labels.overdue) + "</dt><dd>" + p.overdue + "</dd>" +
      "<dt>" + escapeHtml(labels.overdueRate) + "</dt><dd>" + percent(p.overdue_rate) + "</dd>" +
      "<dt>" + escapeHtml(labels.onTimeRate) + "</dt><dd>" + percent(p.on_time_rate) + "</dd>" +
      (p.open_now == null ? "" : "<dt>" + escapeHtml(labels.openNow) + "</dt><dd>" + p.open_now + "</dd>") +
      "</dl><p><a class='button' href='" + urls.dashboard.replace(PLACEHOLDER, code) + "'>" + escapeHtml(labels.dashboard) +
      "</a> " + (p.level === "grid" ? "" : "<a class='button drill-down' href='" + urls.map.replace(PLACEHOLDER, code) + "'>" +
      escapeHtml(labels.drillDown) + "</a>") + "</p>";
  }

  function countIcon(count, overdue) {
    var size = 18 + Math.min(30, Math.round(Math.sqrt(count) * 4));
    return L.divIcon({
      className: "cluster" + (overdue ? " overdue" : ""), html: "<span>" + count + "</span>", iconSize: [size, size]
    });
  }

  // A child area's open tickets (count), or inside a grid one ticket (its number, category and state).
  function bubble(item) {
    var label = item.ticket_id ? item.code + " · " + item.name + " · " + item.status :
      item.name + ": " + item.count + " (" + labels.overdue + " " + item.overdue + ")";
    return L.marker(GovBasemap.toDisplay([item.lat, item.lng]), {
      icon: countIcon(item.count, item.overdue), title: label, count: item.count, overdue: item.overdue
    }).bindTooltip(escapeHtml(label)).bindPopup(escapeHtml(label));
  }

  // Bubbles that would overlap merge into one showing the sum of their counts.
  function clusterGroup(items) {
    var group = L.markerClusterGroup({
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        var sum = function (key) {
          return cluster.getAllChildMarkers().reduce(function (total, m) { return total + m.options[key]; }, 0);
        };
        return countIcon(sum("count"), sum("overdue"));
      }
    });
    items.forEach(function (item) { group.addLayer(bubble(item)); });
    return group;
  }

  function place(item, risky) {
    return L.circleMarker(GovBasemap.toDisplay([item.lat, item.lng]), {
      radius: risky ? 6 : 4, color: risky ? "#c0392b" : "#1f618d", weight: 1, fillOpacity: 0.8
    }).bindPopup("<strong>" + escapeHtml(item.name) + "</strong><br>" + escapeHtml(item.kind) + " · " +
      escapeHtml(labels.risk) + " " + escapeHtml(item.risk_display) + "<br>" + escapeHtml(item.address));
  }

  function drawLayers() {
    var builders = {
      clusters: function () { return clusterGroup(data.clusters); },
      key_places: function () { return L.layerGroup(data.key_places.map(function (p) { return place(p, false); })); },
      risk_sources: function () { return L.layerGroup(data.risk_sources.map(function (p) { return place(p, true); })); }
    };
    document.querySelectorAll("input[name=layer]").forEach(function (box) {
      if (layers[box.value]) map.removeLayer(layers[box.value]);
      layers[box.value] = builders[box.value]();
      if (box.checked) layers[box.value].addTo(map);
    });
  }

  // The registered layers (dashboards.layers): each fetched once when first shown, as GeoJSON of the
  // area, drawn with the style the server gives (a colour per value of one property, a popup's fields).
  var extraLayers = JSON.parse(document.getElementById("map-extra-layers").textContent);
  var extraDrawn = {};

  function featureColour(style, feature) {
    return style.colour_by ? style.colours[feature.properties[style.colour_by]] || style.color : style.color;
  }

  function featurePopup(style, feature) {
    return (style.popup || []).map(function (field) {
      var value = feature.properties[field[0]];
      return value == null || value === "" ? "" : escapeHtml(field[1]) + ": " + escapeHtml(String(value));
    }).filter(Boolean).join("<br>");
  }

  function extraLayer(spec, json) {
    var style = spec.style;
    return L.geoJSON(json, {
      coordsToLatLng: GovBasemap.coordsToLatLng,
      style: function (feature) { return Object.assign({}, style, { color: featureColour(style, feature) }); },
      pointToLayer: function (feature, latlng) {
        var colour = featureColour(style, feature);
        return L.circleMarker(latlng, Object.assign({}, style, { color: "#333", fillColor: colour }));
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(featurePopup(style, feature)); }
    });
  }

  function drawLegend() {
    var legend = document.getElementById("map-legend");
    var items = extraLayers.filter(function (spec) {
      return spec.style.legend && document.querySelector("input[name=extra-layer][value=" + spec.name + "]").checked;
    }).map(function (spec) {
      return Object.keys(spec.style.legend).map(function (value) {
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.backgroundColor = spec.style.colours[value];
        var item = document.createElement("li");
        item.append(swatch, spec.style.legend[value]);
        return item;
      });
    });
    legend.replaceChildren.apply(legend, [].concat.apply([], items));
    legend.hidden = !items.length;
  }

  function toggleExtra(box) {
    var spec = extraLayers.find(function (layer) { return layer.name === box.value; });
    drawLegend();
    if (!box.checked) {
      if (extraDrawn[spec.name]) map.removeLayer(extraDrawn[spec.name]);
      return;
    }
    if (extraDrawn[spec.name]) { extraDrawn[spec.name].addTo(map); return; }
    var url = spec.url + "?area=" + encodeURIComponent(el.dataset.area);
    box.disabled = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (json) {
        extraDrawn[spec.name] = extraLayer(spec, json);
        if (box.checked) extraDrawn[spec.name].addTo(map);
        box.dataset.features = json.features.length;
      })
      .catch(function () { document.getElementById("map-info").textContent = labels.loadFailed; })
      .finally(function () { box.disabled = false; });
  }

  document.querySelectorAll("input[name=extra-layer]").forEach(function (box) {
    box.addEventListener("change", function () { toggleExtra(box); });
    if (box.checked) toggleExtra(box);
  });

  document.querySelectorAll("input[name=shade]").forEach(function (radio) { radio.addEventListener("change", drawAreas); });
  document.querySelectorAll("input[name=layer]").forEach(function (box) { box.addEventListener("change", drawLayers); });

  fetch(urls.layers, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (json) { data = json; drawAreas(); drawLayers(); el.dataset.loaded = "true"; })
    .catch(function () { document.getElementById("map-info").textContent = labels.loadFailed; });
})();

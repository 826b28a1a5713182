/* 综治一张图: the child areas shaded by tickets reported or overdue rate, open work orders
   clustered per area (per ticket inside a grid), key places and risk sources; a click on an
   area shows its figures with links to its own dashboard and map. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var urls = JSON.parse(document.getElementById("map-urls").textContent);
  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var body = document.body;
  var PLACEHOLDER = "000000";
  var SHADES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];

  var map = L.map(el);
  if (body.dataset.tileUrl) {
    L.tileLayer(body.dataset.tileUrl, { attribution: body.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var e = el.dataset.extent.split(",").map(Number);
  map.fitBounds([[e[1], e[0]], [e[3], e[2]]]);

  var layers = {};
  var data = null;

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

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

  function bubble(item) {
    var size = 18 + Math.min(30, Math.round(Math.sqrt(item.count) * 4));
    return L.marker([item.lat, item.lng], {
      icon: L.divIcon({
        className: "cluster" + (item.overdue ? " overdue" : ""), html: "<span>" + item.count + "</span>",
        iconSize: [size, size]
      }),
      title: item.name
    }).bindPopup(escapeHtml(item.name) + ": " + item.count + " (" + escapeHtml(labels.overdue) + " " + item.overdue + ")");
  }

  function place(item, risky) {
    return L.circleMarker([item.lat, item.lng], {
      radius: risky ? 6 : 4, color: risky ? "#c0392b" : "#1f618d", weight: 1, fillOpacity: 0.8
    }).bindPopup("<strong>" + escapeHtml(item.name) + "</strong><br>" + escapeHtml(item.kind) + " · " +
      escapeHtml(labels.risk) + " " + escapeHtml(item.risk_display) + "<br>" + escapeHtml(item.address));
  }

  function drawLayers() {
    var builders = {
      clusters: function () { return L.layerGroup(data.clusters.map(bubble)); },
      key_places: function () { return L.layerGroup(data.key_places.map(function (p) { return place(p, false); })); },
      risk_sources: function () { return L.layerGroup(data.risk_sources.map(function (p) { return place(p, true); })); }
    };
    document.querySelectorAll("input[name=layer]").forEach(function (box) {
      if (layers[box.value]) map.removeLayer(layers[box.value]);
      layers[box.value] = builders[box.value]();
      if (box.checked) layers[box.value].addTo(map);
    });
  }

  document.querySelectorAll("input[name=shade]").forEach(function (radio) { radio.addEventListener("change", drawAreas); });
  document.querySelectorAll("input[name=layer]").forEach(function (box) { box.addEventListener("change", drawLayers); });

  fetch(urls.layers, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (json) { data = json; drawAreas(); drawLayers(); el.dataset.loaded = "true"; })
    .catch(function () { document.getElementById("map-info").textContent = labels.loadFailed; });
})();

// Big screen: every figure and chart is read again from the dashboard API each minute, so the
// wall display needs no reload; a failed refresh keeps the last figures and is shown.
(function () {
  "use strict";

  var REFRESH_MS = 60000;
  var urls = JSON.parse(document.getElementById("screen-urls").textContent);
  var board = window.govDashboard;

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) { return value == null ? null : value[key]; }, data);
  }

  function showFigures(summary) {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var value = pick(summary, element.dataset.figure);
      if (value == null) element.textContent = "—";
      else if (element.hasAttribute("data-rate")) element.textContent = (100 * value).toFixed(1) + "%";
      else element.textContent = value.toLocaleString();
    });
  }

  function showTopGrids(rows) {
    var list = document.getElementById("top-grids");
    list.replaceChildren.apply(list, rows.map(function (row) {
      var item = document.createElement("li");
      item.textContent = row.name + " · " + row.reported;
      return item;
    }));
  }

  function isoDay(date) {
    return date.getFullYear() + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" +
      String(date.getDate()).padStart(2, "0");
  }

  function refresh() {
    var today = new Date();
    var start = new Date(today.getTime() - 29 * 86400000);
    Promise.all([
      get(urls.summary), get(urls.trend + "?start=" + isoDay(start) + "&end=" + isoDay(today)),
      get(urls.categories), get(urls.children), get(urls["top-grids"])
    ]).then(function (results) {
      showFigures(results[0]);
      board.trend(results[1], "dark");
      board.categories(results[2], "dark");
      board.children(results[3], "dark");
      showTopGrids(results[4]);
      document.getElementById("updated").textContent = new Date().toLocaleTimeString();
      document.body.classList.remove("stale");
    }).catch(function () {
      document.body.classList.add("stale");
      document.getElementById("updated").textContent = board.labels.loadFailed;
    });
  }

  function tick() {
    document.getElementById("clock").textContent = new Date().toLocaleString();
  }

  refresh();
  tick();
  setInterval(refresh, REFRESH_MS);
  setInterval(tick, 1000);
})();

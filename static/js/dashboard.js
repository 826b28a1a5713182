// Dashboard charts (Apache ECharts, served from static/vendor/ after `npm ci`): the trend, the
// category mix and the figures by area. Used by the dashboard page and by the big screen.
(function () {
  "use strict";

  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var charts = {};

  function chart(id, theme) {
    var element = document.getElementById(id);
    if (!element) return null;
    if (!charts[id]) {
      charts[id] = echarts.init(element, theme || null, { renderer: "canvas" });
      window.addEventListener("resize", function () { charts[id].resize(); });
    }
    return charts[id];
  }

  function trend(rows, theme) {
    var target = chart("chart-trend", theme);
    if (!target) return;
    target.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [labels.reported, labels.closed, labels.overdue] },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.reported, type: "line", data: rows.map(function (r) { return r.reported; }) },
        { name: labels.closed, type: "line", data: rows.map(function (r) { return r.closed; }) },
        { name: labels.overdue, type: "bar", data: rows.map(function (r) { return r.overdue; }) }
      ]
    });
  }

  function categories(rows, theme) {
    var target = chart("chart-categories", theme);
    if (!target) return;
    target.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item" },
      title: rows.length ? null : { text: labels.noData, left: "center", top: "middle", textStyle: { fontSize: 14 } },
      series: [{
        type: "pie", radius: ["35%", "70%"],
        data: rows.map(function (r) { return { name: r.name, value: r.reported }; })
      }]
    });
  }

  function children(rows, theme) {
    var target = chart("chart-children", theme);
    if (!target) return;
    target.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [labels.reported, labels.openNow, labels.overdue] },
      grid: { left: 40, right: 16, top: 36, bottom: 60 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.reported, type: "bar", data: rows.map(function (r) { return r.reported; }) },
        { name: labels.openNow, type: "bar", data: rows.map(function (r) { return r.open_now; }) },
        { name: labels.overdue, type: "bar", data: rows.map(function (r) { return r.overdue; }) }
      ]
    });
  }

  window.govDashboard = { trend: trend, categories: categories, children: children, labels: labels };

  var data = document.getElementById("dashboard-charts");
  if (data) {
    data = JSON.parse(data.textContent);
    trend(data.trend);
    categories(data.categories);
    children(data.children);
  }
})();

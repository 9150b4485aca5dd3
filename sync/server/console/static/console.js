// The console's charts: each .chart[data-chart] element gets an ECharts chart drawn from the
// figures the server put in it (fen, shown as yuan). Runs on load and after each htmx swap.
(function () {
  "use strict";

  function yuan(fen) {
    var sign = fen < 0 ? "-" : "";
    var abs = Math.abs(fen);
    var whole = Math.floor(abs / 100).toLocaleString("en-US");
    var cents = String(abs % 100).padStart(2, "0");
    return sign + "¥" + whole + "." + cents;
  }

  function draw(element) {
    if (typeof echarts === "undefined") return;
    var spec = JSON.parse(element.getAttribute("data-chart"));
    var existing = echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    if (spec.kind === "hbar") {
      element.style.height = Math.max(120, 36 + 30 * spec.labels.length) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    // "hbar": names down the side (long Chinese names of suppliers and counties), largest on top.
    var across = spec.kind === "hbar";
    var names = { type: "category", data: across ? spec.labels.slice().reverse() : spec.labels,
                  axisLabel: across ? { width: 110, overflow: "truncate" }
                                    : { rotate: spec.labels.length > 8 ? 40 : 0, hideOverlap: true } };
    var money = { type: "value", axisLabel: { hideOverlap: true, formatter: function (value) { return "¥" + value.toLocaleString("en-US"); } } };
    var values = spec.fen.map(function (fen) { return fen / 100; });
    chart.setOption({
      animation: false,
      grid: across ? { left: 120, right: 24, top: 8, bottom: 28 } : { left: 70, right: 16, top: 16, bottom: 60 },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) { return yuan(Math.round(value * 100)); }
      },
      xAxis: across ? money : names,
      yAxis: across ? names : money,
      series: [{
        name: spec.name,
        type: spec.kind === "line" ? "line" : "bar",
        barMaxWidth: across ? 22 : 48,
        data: across ? values.reverse() : values,
        itemStyle: { color: "#c0392b" }
      }]
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  // After htmx changed the address (a filter, a page), the language switch and sign-in
  // redirects must come back to the new view, not the one the page was loaded with.
  function followAddress() {
    var here = window.location.pathname + window.location.search;
    document.querySelectorAll("a.lang").forEach(function (link) {
      var url = new URL(link.href, window.location.origin);
      url.searchParams.set("next", here);
      link.href = url.pathname + url.search;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:pushedIntoHistory", followAddress);
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
  window.addEventListener("resize", function () {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
      var chart = echarts.getInstanceByDom(element);
      if (chart) chart.resize();
    });
  });
})();

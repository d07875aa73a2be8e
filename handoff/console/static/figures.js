/* The figures page's charts, drawn by plotly.js (served from the installed plotly package).
 *
 * Each chart reads its numbers from the table below it (the chart's text
 * alternative), so the two never disagree. Static plots: nothing to hover
 * or click, no mode bar; the page is one a supervisor reads and prints.
 * No inline script or style attribute: the console's CSP allows neither.
 */
(function () {
  "use strict";

  function rowsOf(table) {
    var labels = [], values = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var head = row.querySelector("th"), cell = row.querySelector("td[data-value]");
      if (!head || !cell) { return; }
      labels.push(head.textContent);
      values.push(Number(cell.getAttribute("data-value")));
    });
    return { labels: labels, values: values };
  }

  function draw(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table || !window.Plotly) { return; }
    var kind = box.getAttribute("data-chart"), data = rowsOf(table);
    var colour = getComputedStyle(box).color || "#1f5fa8";
    var trace;
    if (kind === "hbar") {
      trace = { type: "bar", orientation: "h", y: data.labels.slice().reverse(), x: data.values.slice().reverse() };
    } else if (kind === "line") {
      trace = { type: "scatter", mode: "lines+markers", x: data.labels, y: data.values };
    } else {
      trace = { type: "bar", x: data.labels, y: data.values };
    }
    trace.marker = { color: colour };
    if (kind === "line") { trace.line = { color: colour }; }
    var height = kind === "hbar" ? Math.max(220, 28 * data.labels.length + 60) : 280;
    box.classList.add("drawn");
    window.Plotly.newPlot(box, [trace], {
      height: height,
      margin: { l: kind === "hbar" ? 220 : 50, r: 20, t: 10, b: kind === "hbar" ? 30 : 60 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "system-ui, sans-serif", size: 12 },
      xaxis: { automargin: true, fixedrange: true },
      yaxis: { automargin: true, fixedrange: true, rangemode: "tozero" }
    }, { staticPlot: true, displayModeBar: false, responsive: true });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-table]"), draw);
  }

  function ready() {
    drawAll();
    var button = document.getElementById("fig-print");
    if (button) { button.addEventListener("click", function () { window.print(); }); }
    // print at the paper's width: plotly redraws for the A4 column, then back for the screen
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".chart.drawn"), function (box) {
        window.Plotly.relayout(box, { width: 680 });
      });
    });
    window.addEventListener("afterprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".chart.drawn"), function (box) {
        window.Plotly.relayout(box, { width: null, autosize: true });
      });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();

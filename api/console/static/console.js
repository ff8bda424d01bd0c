// Vigie console: CSRF header for htmx, deadline countdowns, the uPlot risk timeline.
// Loaded as a file (the Content-Security-Policy forbids inline script); reads data, never HTML.
"use strict";

(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  function formatDuration(seconds) {
    var minutes = Math.round(Math.abs(seconds) / 60);
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + " h " + (minutes % 60) + " min";
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function updateCountdowns() {
    var body = document.body;
    var now = Date.now();
    document.querySelectorAll("time.countdown").forEach(function (element) {
      var at = Date.parse(element.getAttribute("datetime"));
      if (isNaN(at)) return;
      var seconds = (at - now) / 1000;
      var label = seconds < 0 ? body.dataset.overdue : body.dataset.dueIn;
      element.textContent = label + " " + formatDuration(seconds);
      element.classList.toggle("overdue", seconds < 0);
      element.title = new Date(at).toISOString();
    });
  }

  var STAGE_COLOURS = {
    emerging: "rgba(255, 214, 102, 0.25)",
    growing: "rgba(255, 159, 67, 0.25)",
    peak: "rgba(235, 77, 75, 0.25)",
    declining: "rgba(126, 214, 223, 0.25)",
    resolved: "rgba(106, 176, 76, 0.18)"
  };

  function stageBands(data) {
    // One band per run of equal, non-quiet stages: [stage, first index, last index].
    var bands = [];
    for (var i = 0; i < data.stage.length; i++) {
      var stage = data.stage[i];
      var last = bands[bands.length - 1];
      if (last && last[0] === stage && last[2] === i - 1) last[2] = i;
      else if (stage !== "quiet") bands.push([stage, i, i]);
    }
    return bands;
  }

  function drawTimeline() {
    var element = document.getElementById("timeline");
    var source = document.getElementById("timeline-data");
    if (!element || !source || typeof uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    var spikes = data.spike.map(function (flag, i) { return flag ? data.score[i] : null; });
    var bands = stageBands(data);
    var width = Math.max(320, element.clientWidth || 800);
    var options = {
      width: width,
      height: 260,
      scales: { x: { time: true }, score: { range: [0, 100] }, mentions: { auto: true } },
      axes: [
        {},
        { scale: "score", label: element.dataset.labelScore },
        { scale: "mentions", side: 1, grid: { show: false }, label: element.dataset.labelMentions }
      ],
      series: [
        {},
        { label: element.dataset.labelScore, scale: "score", stroke: "#c0392b", width: 2 },
        { label: element.dataset.labelMentions, scale: "mentions", stroke: "#2980b9", fill: "rgba(41, 128, 185, 0.12)" },
        { label: element.dataset.labelNegative, scale: "score", stroke: "#8e44ad", dash: [4, 4] },
        { label: element.dataset.labelSpike, scale: "score", stroke: "#000", width: 0,
          points: { show: true, size: 9, fill: "#f1c40f", stroke: "#000" } }
      ],
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          bands.forEach(function (band) {
            var left = u.valToPos(data.t[band[1]] - 1800, "x", true);
            var right = u.valToPos(data.t[band[2]] + 1800, "x", true);
            ctx.fillStyle = STAGE_COLOURS[band[0]] || "rgba(0,0,0,0.05)";
            ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
          });
        }]
      }
    };
    var columns = [data.t, data.score, data.mentions, data.negative_share, spikes];
    element.textContent = "";
    var chart = new uPlot(options, columns, element);
    element.dataset.points = String(data.t.length);
    element.dataset.spikes = String(spikes.filter(function (v) { return v !== null; }).length);
    window.vigieTimeline = chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawTimeline();
    updateCountdowns();
    setInterval(updateCountdowns, 30000);
  });
  document.addEventListener("htmx:afterSettle", updateCountdowns);
})();

/* The live operator dashboard: Chart.js charts and tables refreshed from /ops/stream (server-sent events).
   Every figure drawn in a chart is also in a table, for screen readers and for copying. */
(function () {
  "use strict";
  var initial = JSON.parse(document.getElementById("initial-data").textContent);
  var MAX_POINTS = 120;
  var palette = ["#0b3d91", "#b35c00", "#146c2e", "#a1141c", "#5b3c88", "#00707a", "#6b5b00", "#7a2e5a",
                 "#2f4f4f", "#8a3b12", "#1f5fa8", "#4d6b00", "#9c2f6d", "#3d3d3d", "#006d5b", "#6d4c9f", "#8b0000"];
  var statusClass = { ok: "ok", behind: "warn", stalled: "bad" };

  function colour(i) { return palette[i % palette.length]; }
  function timeLabel(iso) { return iso ? iso.slice(11, 19) : ""; }
  function cell(text, numeric) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (numeric) { td.className = "num"; }
    return td;
  }
  function statusCell(status) {
    var td = document.createElement("td");
    var span = document.createElement("span");
    span.className = "status status-" + (statusClass[status] || "idle");
    span.textContent = status;
    td.appendChild(span);
    return td;
  }
  function fillTable(id, rows, build, emptyText, columns) {
    var body = document.querySelector("#" + id + " tbody");
    if (!body) { return; }
    body.replaceChildren();
    if (!rows.length) {
      var tr = document.createElement("tr");
      var td = cell(emptyText); td.colSpan = columns; td.className = "empty";
      tr.appendChild(td); body.appendChild(tr); return;
    }
    rows.forEach(function (row) { body.appendChild(build(row)); });
  }

  var throughput = new Chart(document.getElementById("chart-throughput"), {
    type: "line",
    data: { labels: [], datasets: [] },
    options: { animation: false, maintainAspectRatio: false, interaction: { mode: "nearest", intersect: false },
      scales: { y: { beginAtZero: true, title: { display: true, text: "messages/s" } } },
      plugins: { legend: { display: window.innerWidth > 640, position: "bottom", labels: { boxWidth: 12 } } } }
  });
  var lag = new Chart(document.getElementById("chart-lag"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "lag (messages)", data: [], backgroundColor: [] }] },
    options: { animation: false, maintainAspectRatio: false, indexAxis: "y",
      scales: { x: { beginAtZero: true } }, plugins: { legend: { display: false } } }
  });
  var funnel = new Chart(document.getElementById("chart-funnel"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "mobilizations", data: [], backgroundColor: "#0b3d91" }] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } } }
  });

  function updateThroughput(data) {
    throughput.data.labels.push(timeLabel(data.at));
    if (throughput.data.labels.length > MAX_POINTS) { throughput.data.labels.shift(); }
    var length = throughput.data.labels.length;
    (data.topics || []).forEach(function (t) {
      var ds = throughput.data.datasets.find(function (d) { return d.label === t.topic; });
      if (!ds) {
        var i = throughput.data.datasets.length;
        ds = { label: t.topic, data: new Array(Math.max(0, length - 1)).fill(null), borderColor: colour(i),
               backgroundColor: colour(i), pointRadius: 0, borderWidth: 2, tension: 0.2 };
        throughput.data.datasets.push(ds);
      }
      ds.data.push(t.rate);
    });
    throughput.data.datasets.forEach(function (ds) {
      while (ds.data.length < length) { ds.data.push(null); }
      while (ds.data.length > length) { ds.data.shift(); }
    });
    throughput.update();
  }

  function update(data) {
    var banner = document.getElementById("bus-status");
    if (data.bus && data.bus.ok) {
      banner.className = "flash " + (data.stalled ? "flash-error" : "flash-info");
      banner.textContent = "Bus reachable · sampled " + timeLabel(data.at) + " UTC · " + data.stalled + " stalled partition(s)";
    } else {
      banner.className = "flash flash-error";
      banner.textContent = "The bus cannot be reached: " + ((data.bus && data.bus.error) || "unknown error");
    }
    updateThroughput(data);
    var groups = data.groups || [];
    lag.data.labels = groups.map(function (g) { return g.group; });
    lag.data.datasets[0].data = groups.map(function (g) { return g.lag; });
    lag.data.datasets[0].backgroundColor = groups.map(function (g) {
      return g.status === "stalled" ? "#a1141c" : g.status === "behind" ? "#b35c00" : "#146c2e"; });
    lag.update();
    var steps = data.funnel || [];
    funnel.data.labels = steps.map(function (s) { return s.step; });
    funnel.data.datasets[0].data = steps.map(function (s) { return s.mobilizations; });
    funnel.update();

    fillTable("partitions", data.partitions || [], function (p) {
      var tr = document.createElement("tr");
      tr.dataset.group = p.group; tr.dataset.topic = p.topic; tr.dataset.partition = p.partition;
      [cell(p.group), cell(p.topic), cell(p.partition, true), cell(p.committed, true), cell(p.end, true),
       cell(p.lag, true), statusCell(p.status)].forEach(function (td) { tr.appendChild(td); });
      return tr;
    }, "No consumer group has committed offsets yet.", 7);
    fillTable("topics", data.topics || [], function (t) {
      var tr = document.createElement("tr");
      [cell(t.topic), cell(t.messages, true), cell(t.rate, true)].forEach(function (td) { tr.appendChild(td); });
      return tr;
    }, "No topics seen yet.", 3);
    var feedStatus = { ok: "ok", failing: "bad", "new": "idle", paused: "idle" };
    fillTable("feeds", data.feeds || [], function (f) {
      var tr = document.createElement("tr");
      var name = cell(f.feed);
      if (f.error) {
        var note = document.createElement("span"); note.className = "muted"; note.textContent = f.error.slice(0, 120);
        name.appendChild(document.createElement("br")); name.appendChild(note);
      }
      var health = document.createElement("td");
      if (f.health) {
        var pill = document.createElement("span");
        pill.className = "status status-" + (feedStatus[f.health] || "idle"); pill.textContent = f.health;
        health.appendChild(pill);
      }
      [name, health, cell(f.last_hour, true), cell(f.total, true),
       cell((f.last_at || "").slice(0, 19).replace("T", " "))].forEach(function (td) { tr.appendChild(td); });
      return tr;
    }, "No feeds yet: is ingest running?", 5);
    fillTable("funnel", steps, function (s) {
      var tr = document.createElement("tr");
      [cell(s.step), cell(s.mobilizations, true), cell(s.median_minutes === null ? "–" : s.median_minutes, true)]
        .forEach(function (td) { tr.appendChild(td); });
      return tr;
    }, "", 3);
    var list = document.getElementById("stories");
    list.replaceChildren();
    var stories = data.stories || [];
    if (!stories.length) {
      var li = document.createElement("li"); li.className = "empty muted"; li.textContent = "No story flagged yet.";
      list.appendChild(li);
    }
    stories.forEach(function (s) {
      var li = document.createElement("li");
      li.dataset.story = s.story_id;
      var strong = document.createElement("strong");
      strong.textContent = s.title || s.story_id;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" · " + s.severity + " · " + s.flagged_at.slice(0, 16).replace("T", " ") + " UTC" +
        (s.furthest ? " · mobilization: " : "")));
      if (s.furthest && s.mobilization_url) {
        var a = document.createElement("a"); a.href = s.mobilization_url; a.textContent = s.furthest;
        li.appendChild(a);
      } else if (s.furthest) {
        li.appendChild(document.createTextNode(s.furthest));
      }
      list.appendChild(li);
    });
  }

  // draw the minutes sampled before the page was opened, then go live
  (initial.history || []).slice(0, -1).forEach(function (point) {
    updateThroughput({ at: point.at, topics: Object.keys(point.rates).map(function (name) {
      return { topic: name, rate: point.rates[name] }; }) });
  });
  update(initial);
  if (window.EventSource) {
    var source = new EventSource("/ops/stream");
    source.onmessage = function (event) { update(JSON.parse(event.data)); };
  }
})();

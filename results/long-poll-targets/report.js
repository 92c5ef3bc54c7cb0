"use strict";
(() => {
  // bench/point-label.ts
  function pointLabel(point) {
    const servers = point.servers ?? 1;
    return servers > 1 ? `${point.strategy} \xD7${servers}` : point.strategy;
  }

  // bench/versus-reference.ts
  var PLAIN_REFERENCE = "plain-reference";

  // bench/report/report-page.ts
  var PALETTE = ["#d9480f", "#1971c2", "#2f9e44", "#9c36b5", "#343a40", "#0c8599"];
  var SCALED_OUT_ALPHA = "80";
  function draw(results) {
    describeConditions(results);
    const strategies = [...new Set(results.points.map((point) => point.strategy))];
    const lines = [...new Map(results.points.map((point) => [pointLabel(point), point])).values()];
    const lineChart = (canvasId, yTitle, series, logY = false, rightTitle) => {
      const canvas = document.getElementById(canvasId);
      const datasets = [];
      for (const line of lines) {
        const scaledOut = (line.servers ?? 1) > 1;
        const colour = PALETTE[strategies.indexOf(line.strategy) % PALETTE.length] + (scaledOut ? SCALED_OUT_ALPHA : "");
        for (const { label, figure, dashed, rightAxis } of series) {
          datasets.push({
            label: `${pointLabel(line)}${label ? ` ${label}` : ""}`,
            data: pointsOf(results, pointLabel(line), figure),
            borderColor: colour,
            backgroundColor: colour,
            borderDash: dashed ? [6, 4] : [],
            pointStyle: scaledOut ? "triangle" : "circle",
            pointRadius: scaledOut ? 5 : 3,
            yAxisID: rightAxis ? "right" : "y"
          });
        }
      }
      const options = {
        animation: false,
        responsive: true,
        aspectRatio: 900 / 420,
        scales: {
          x: {
            type: "logarithmic",
            title: { display: true, text: "simulated clients" },
            // Tick exactly the measured numbers of clients, rather than every 1-2-5 step of the log scale.
            afterBuildTicks: (axis) => {
              axis.ticks = results.settings.clients.map((clients) => ({ value: clients }));
            }
          },
          y: { type: logY ? "logarithmic" : "linear", title: { display: true, text: yTitle }, beginAtZero: !logY },
          ...rightTitle ? { right: { type: "linear", position: "right", title: { display: true, text: rightTitle }, grid: { drawOnChartArea: false } } } : {}
        },
        plugins: { legend: { position: "bottom" } }
      };
      new Chart(canvas, { type: "line", data: { datasets }, options });
    };
    lineChart("chart-latency", "delivery latency (ms)", [
      { label: "p50", figure: (point) => point.chat?.deliveryLatencyMs.p50 },
      { label: "p99", figure: (point) => point.chat?.deliveryLatencyMs.p99, dashed: true }
    ], true);
    lineChart("chart-cpu", "% of one core", [
      { label: "chat", figure: (point) => point.chat?.serverCpuPercentOfCore },
      { label: "idle", figure: (point) => point.idle?.serverCpuPercentOfCore, dashed: true }
    ]);
    lineChart("chart-cpu-per-message", "\xB5s of server CPU per delivered message", [
      { label: "", figure: (point) => point.chat?.serverCpuMicrosecondsPerDeliveredMessage }
    ], true);
    lineChart("chart-requests", "answers per second", [
      { label: "chat", figure: (point) => point.chat?.requestsPerSecond },
      { label: "idle", figure: (point) => point.idle?.requestsPerSecond, dashed: true }
    ]);
    lineChart("chart-held", "held connections", [
      { label: "held", figure: (point) => point.idle?.heldConnections.last },
      { label: "KB per held", figure: (point) => kilobytes(point.idle?.rssPerHeldConnectionBytes), dashed: true, rightAxis: true }
    ], false, "KB of server memory per held connection");
    lineChart("chart-loss", "% of deliveries lost", [
      { label: "", figure: (point) => point.chat && point.chat.deliveriesExpected > 0 ? 100 * point.chat.lost / point.chat.deliveriesExpected : void 0 }
    ]);
    tabulateVersusReference(results);
    listNotes(results);
  }
  function tabulateVersusReference(results) {
    const table = document.getElementById("table-versus-reference");
    const points = results.points.filter((point) => (point.servers ?? 1) === 1);
    if (!points.some((point) => point.strategy === PLAIN_REFERENCE)) {
      table.replaceWith(paragraph(`This run did not measure the plain reference: add ${PLAIN_REFERENCE} to --strategies.`));
      return;
    }
    const clients = [...new Set(points.map((point) => point.clients))].sort((a, b) => a - b);
    const row = (cells, tag) => {
      const line = document.createElement("tr");
      for (const text of cells) {
        const cell = document.createElement(tag);
        cell.textContent = text;
        line.append(cell);
      }
      table.append(line);
    };
    row(["strategy", ...clients.map((count) => `${count} clients`)], "th");
    for (const strategy of new Set(points.map((point) => point.strategy))) {
      row([strategy, ...clients.map((count) => versusReference(points.find((point) => point.strategy === strategy && point.clients === count)))], "td");
    }
  }
  function versusReference(point) {
    const microseconds = point?.chat?.serverCpuMicrosecondsPerDeliveredMessage;
    if (typeof microseconds !== "number" || !Number.isFinite(microseconds)) return "-";
    const ratio = point?.chat?.serverCpuPerDeliveryTimesReference;
    return typeof ratio === "number" && Number.isFinite(ratio) ? `${microseconds.toFixed(1)} \xB5s (${ratio.toFixed(1)}\xD7)` : `${microseconds.toFixed(1)} \xB5s`;
  }
  function paragraph(text) {
    const element = document.createElement("p");
    element.textContent = text;
    return element;
  }
  function pointsOf(results, label, figure) {
    const pairs = [];
    for (const point of results.points) {
      if (pointLabel(point) !== label) continue;
      const value = figure(point);
      if (typeof value === "number" && Number.isFinite(value)) pairs.push({ x: point.clients, y: value });
    }
    return pairs;
  }
  function kilobytes(bytes) {
    return typeof bytes === "number" ? bytes / 1024 : void 0;
  }
  function describeConditions(results) {
    const { machine, settings, pinning } = results;
    const dirty = results.uncommittedChanges ? " (with uncommitted changes)" : "";
    document.getElementById("conditions").textContent = `Run of ${results.startedAt} on commit ${results.commit.slice(0, 10)}${dirty}: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.nodeVersion}. ${pinning.note}. Workload "${settings.workload}": ${settings.idleSeconds} s idle, ${settings.chatSeconds} s of chat at ${settings.messagesPerSecond} messages/s, ${settings.repeat} run(s) per point. ${results.scaleOutCaveat ? `${results.scaleOutCaveat} ` : ""}Command: ${results.command}`;
  }
  function listNotes(results) {
    const list = document.getElementById("notes");
    const notes = results.points.flatMap((point) => point.notes.map((note) => `${pointLabel(point)} at ${point.clients} clients: ${note}`));
    for (const note of notes.length > 0 ? notes : ["Every point was reached, with no warnings."]) {
      const item = document.createElement("li");
      item.textContent = note;
      list.append(item);
    }
  }
  if (window.benchResults) {
    draw(window.benchResults);
  } else {
    document.getElementById("conditions").textContent = "No results: report-data.js is missing. Run `npm run bench` first.";
  }
})();

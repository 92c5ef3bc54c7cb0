// The server panel: what the server is doing and what it costs, every second.
//
// /api/stats gives running totals (requests served since start, CPU seconds
// used since start) and gauges (requests held now). The panel turns totals
// into rates by taking the difference between two readings a second apart:
//   requests/s per strategy, held requests per strategy, CPU % of one core.

import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { Stats } from '../wire/types.ts';
import { fetchStats } from './api.ts';
import { clockTime, element } from './element.ts';
import { roomName, strategyLabel } from './i18n/messages.ts';
import { pageText } from './i18n/page-language.ts';

// Register only the pieces these line charts use, so the bundle leaves the rest of chart.js out.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const READ_EVERY_MS = 1000;
/** Points on each chart: the last minute. */
const POINTS = 60;
/** One colour per strategy, in the order /api/stats lists them; chosen to read on a projector. */
const COLOURS = ['#d9480f', '#7048e8', '#0b7285', '#2b8a3e', '#c2255c', '#5c940d'];

interface Reading {
  at: number;
  stats: Stats;
}

type ChartName = 'requests' | 'held' | 'cpu';

export class ServerPanel {
  private readonly charts = new Map<ChartName, Chart<'line', number[], string>>();
  private readonly nowLines = new Map<ChartName, HTMLElement>();
  private readonly statusLine: HTMLElement;
  private previous: Reading | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(container: HTMLElement) {
    const words = pageText().server;
    this.statusLine = element('p', 'panel-status', { role: 'status' }, [words.firstReading]);
    container.append(this.statusLine);
    this.addChart(container, 'requests', words.requestsChart, words.requestsUnit);
    this.addChart(container, 'held', words.heldChart, words.heldUnit);
    this.addChart(container, 'cpu', words.cpuChart, '%');
  }

  /** Read /api/stats every second until stop(). */
  start(): void {
    if (this.timer) return;
    void this.read();
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.previous = undefined; // a rate across the pause would mean nothing
  }

  private addChart(container: HTMLElement, name: ChartName, title: string, unit: string): void {
    const canvas = element('canvas', '', { 'data-chart': name, role: 'img', 'aria-label': title });
    const now = element('p', 'chart-now', { 'data-chart': name, 'aria-live': 'off' }, ['–']);
    container.append(element('figure', 'chart', {}, [element('figcaption', '', {}, [title]), element('div', 'chart-box', {}, [canvas]), now]));
    const chart = new Chart<'line', number[], string>(canvas, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: unit } }, x: { ticks: { maxTicksLimit: 6 } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
      },
    });
    this.charts.set(name, chart);
    this.nowLines.set(name, now);
  }

  private async read(): Promise<void> {
    const words = pageText();
    let stats: Stats;
    try {
      stats = await fetchStats();
    } catch (error) {
      this.statusLine.textContent = words.server.notAnswering(String(error));
      return;
    }
    const reading = { at: Date.now(), stats };
    const previous = this.previous;
    this.previous = reading;
    const { process, room } = stats;
    const rssMiB = (process.rssBytes / 2 ** 20).toFixed(0);
    this.statusLine.textContent = words.server.summary(Math.round(stats.uptimeSeconds), room.messages, roomName(words, room.kind), rssMiB);
    if (!previous || reading.at <= previous.at) return;

    const seconds = (reading.at - previous.at) / 1000;
    const label = clockTime(reading.at);
    const names = Object.keys(stats.strategies);
    const seriesNames = names.map((name) => strategyLabel(words, name));
    const requestRates = names.map((name) => {
      const before = previous.stats.strategies[name]?.requestsServed ?? 0;
      return (stats.strategies[name].requestsServed - before) / seconds;
    });
    const held = names.map((name) => stats.strategies[name].held);
    const cpuPercent = (100 * (process.cpuSeconds - previous.stats.process.cpuSeconds)) / seconds;

    this.push('requests', label, seriesNames, requestRates, (value) => `${value.toFixed(1)}/s`);
    this.push('held', label, seriesNames, held, (value) => String(value));
    this.push('cpu', label, [words.server.serverProcess], [cpuPercent], (value) => `${value.toFixed(1)} %`);
  }

  /** Add one point per series, keep the last minute, redraw, and say the latest values in words. */
  private push(name: ChartName, label: string, series: string[], values: number[], format: (value: number) => string): void {
    const chart = this.charts.get(name)!;
    const labels = chart.data.labels!;
    labels.push(label);
    series.forEach((seriesName, index) => {
      let dataset = chart.data.datasets.find((candidate) => candidate.label === seriesName);
      if (!dataset) {
        dataset = newDataset(seriesName, chart.data.datasets.length, labels.length - 1);
        chart.data.datasets.push(dataset);
      }
      dataset.data.push(Math.round(values[index] * 100) / 100);
    });
    if (labels.length > POINTS) {
      labels.shift();
      for (const dataset of chart.data.datasets) dataset.data.shift();
    }
    chart.update('none');
    this.nowLines.get(name)!.textContent = pageText().server.now + series.map((seriesName, index) => `${seriesName} ${format(values[index])}`).join(' · ');
  }
}

/** A series that appears late (a strategy added while the page is open) starts with zeros. */
function newDataset(label: string, index: number, earlierPoints: number): ChartDataset<'line', number[]> {
  const colour = COLOURS[index % COLOURS.length];
  return { label, data: new Array<number>(earlierPoints).fill(0), borderColor: colour, backgroundColor: colour };
}

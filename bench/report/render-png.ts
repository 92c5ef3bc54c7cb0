// One chart of the report as a PNG, for READMEs and lessons: the report page
// is opened in headless Chromium and the chart's section photographed.
// (Native canvas packages need binaries or build tools; a browser we have.)

import { pathToFileURL } from 'node:url';
import { launchBrowser } from './chromium.ts';

const VIEWPORT = { width: 1000, height: 800 };

/** Photograph the element `selector` of the page at `htmlPath` into `pngPath`. */
export async function renderChartPng(htmlPath: string, selector: string, pngPath: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(htmlPath).href);
    // The page draws with animation off, so the chart is complete once chart.js has attached to the canvas.
    await page.waitForFunction((chartSelector) => {
      const canvas = document.querySelector(`${chartSelector} canvas`) as HTMLCanvasElement | null;
      const chart = (window as unknown as { Chart?: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart;
      return canvas !== null && chart?.getChart(canvas) !== undefined;
    }, selector);
    await page.locator(selector).screenshot({ path: pngPath });
  } finally {
    await browser.close();
  }
}

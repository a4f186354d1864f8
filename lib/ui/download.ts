// Browser side of the exports: serialise a live chart, rasterise it, hand files to the user.
import { composeStandaloneSvg, standaloneReport, type LegendItem } from "./export";

/** The chart's <svg> as a standalone SVG document with title and legend, sized in CSS pixels. */
export function standaloneSvgFrom(
  chart: SVGSVGElement,
  opts: { title: string; subtitle?: string; legend: LegendItem[] },
): { svg: string; width: number; height: number } {
  const box = chart.getBoundingClientRect();
  const clone = chart.cloneNode(true) as SVGSVGElement;
  // the keyboard focus ring / hover cursor are not part of the figure
  clone.querySelectorAll(".recharts-tooltip-cursor, .recharts-active-dot").forEach((el) => el.remove());
  clone.removeAttribute("tabindex");
  const chartSvg = new XMLSerializer().serializeToString(clone);
  return composeStandaloneSvg({ chartSvg, width: box.width, height: box.height, ...opts });
}

/** Draws an SVG document onto a canvas at `scale`× on white and returns the PNG. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const img = new Image();
    img.decoding = "async";
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the chart could not be rasterised"));
    });
    img.src = url;
    await loaded;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas available");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // give the browser time to start the download before the URL goes away
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, filename: string, type: string): void {
  // CSV gets a BOM so spreadsheet apps read UTF-8 (metric names may hold non-ASCII)
  const body = type.startsWith("text/csv") ? "\uFEFF" + text : text;
  downloadBlob(new Blob([body], { type }), filename);
}

/**
 * The report page (server-rendered from the dashboard's own components) as one self-contained
 * HTML file: the page is fetched, its stylesheets fetched and inlined, its scripts left out.
 */
export async function fetchStandaloneReport(reportPath: string): Promise<string> {
  const reportUrl = new URL(reportPath, window.location.href).href;
  const res = await fetch(reportUrl, { headers: { accept: "text/html" } });
  if (!res.ok) throw new Error(`the report page answered ${res.status}`);
  const html = await res.text();
  const page = new DOMParser().parseFromString(html, "text/html");
  const hrefs = [...page.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => new URL(l.getAttribute("href") ?? "", reportUrl).href);
  const css = await Promise.all(
    hrefs.map(async (href) => {
      const r = await fetch(href);
      if (!r.ok) throw new Error(`a stylesheet of the report answered ${r.status}`);
      return r.text();
    }),
  );
  return standaloneReport({
    html,
    css,
    generatedAt: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    url: reportUrl,
  });
}

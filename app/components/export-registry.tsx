"use client";

// Charts register how to export themselves, so the report can inline every chart on the page.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";

export interface ChartExporter {
  id: string;
  title: string;
  /** standalone SVG of the chart as currently shown, or null when nothing is drawn */
  toSvg: () => { svg: string; width: number; height: number } | null;
}

interface Registry {
  register(id: string, get: () => ChartExporter): () => void;
  charts(): ChartExporter[];
}

const RegistryContext = createContext<Registry | null>(null);

export function ExportRegistry({ children }: { children: ReactNode }) {
  const [registry] = useState<Registry>(() => {
    const entries = new Map<string, () => ChartExporter>();
    return {
      register(id, get) {
        entries.set(id, get);
        return () => {
          if (entries.get(id) === get) entries.delete(id);
        };
      },
      charts() {
        // page order: the order the charts appear in the document
        const list = [...entries.values()].map((get) => get());
        const pos = (id: string) => {
          const el = document.getElementById(id);
          return el ? [...document.querySelectorAll("[data-chart-id]")].indexOf(el) : Number.MAX_SAFE_INTEGER;
        };
        return list.sort((a, b) => pos(a.id) - pos(b.id));
      },
    };
  });
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export function useExportRegistry(): Registry | null {
  return useContext(RegistryContext);
}

/** Registers a chart for the report for as long as it is mounted; `exporter` may change every render. */
export function useRegisterChart(exporter: ChartExporter): void {
  const registry = useContext(RegistryContext);
  const latest = useRef(exporter);
  useEffect(() => {
    latest.current = exporter;
  });
  useEffect(() => {
    if (!registry) return;
    const get = () => latest.current;
    return registry.register(exporter.id, get);
  }, [registry, exporter.id]);
}

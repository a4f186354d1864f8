"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useOptimistic, useTransition } from "react";
import type { ViewOptions } from "@/lib/analysis/stats-request";
import { searchFromView, stateFromSearch, type DisplayOptions } from "@/lib/ui/view-params";

export interface ViewState {
  view: ViewOptions;
  display: DisplayOptions;
}

export interface ViewChange {
  view?: Partial<ViewOptions>;
  display?: Partial<DisplayOptions>;
}

/**
 * The dashboard's view is its URL: a change navigates to the new search params (the server
 * recomputes the numbers from the snapshot), and the controls show the new state at once.
 */
export function useViewNavigation(current: ViewState) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [state, setOptimistic] = useOptimistic(current);

  function hrefFor(change: ViewChange | "reset"): string {
    if (change === "reset") return pathname;
    // start from the live URL: the time-series pickers update it without a navigation
    const live = stateFromSearch(new URLSearchParams(search.toString()));
    const next: ViewState = {
      view: { ...live.view, ...change.view },
      display: { ...live.display, ...change.display },
    };
    const q = searchFromView(next.view, next.display).toString();
    return q ? `${pathname}?${q}` : pathname;
  }

  function update(change: ViewChange | "reset") {
    const href = hrefFor(change);
    startTransition(() => {
      if (change !== "reset") {
        setOptimistic({ view: { ...state.view, ...change.view }, display: { ...state.display, ...change.display } });
      }
      router.push(href, { scroll: false });
    });
  }

  return { state, update, pending, hrefFor };
}

// Is a write coming from a page of another site? Browsers say so in two headers an attacking page
// cannot set: Sec-Fetch-Site (Chromium, Firefox, Safari) and Origin ("null" from file: pages,
// sandboxed frames and some redirects). A request with neither comes from a program (curl, a CLI,
// a server with an API key), which no browser session can be tricked into sending.

/** The app's own host as the browser addressed it (a reverse proxy passes it in X-Forwarded-Host). */
function ownHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return (forwarded || headers.get("host"))?.toLowerCase() ?? null;
}

/** Why a request is a cross-site write, or null when it comes from this site or from no browser. */
export function crossSiteReason(headers: Headers): string | null {
  const site = headers.get("sec-fetch-site")?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return `the request came from another site (Sec-Fetch-Site: ${site})`;
  const origin = headers.get("origin");
  if (origin === null) return null;
  if (origin.trim().toLowerCase() === "null") return "the request came from a page without an origin (Origin: null)";
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return "the request's Origin header is not a URL";
  }
  return host === ownHost(headers) ? null : `the request came from another origin (${host})`;
}

/** A dynamic route segment as text: decoded when it is percent-encoded, as is when it cannot be (e.g. "%"). */
export function routeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

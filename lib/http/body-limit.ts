// Is a request body larger than a route accepts? Decided from Content-Length when the client sent
// one (nothing is read), else by reading at most `max + 1` bytes of a chunked body — from a clone,
// so a body within the limit is still there for the route to read.

/** True when the body has more than `max` bytes (a malformed Content-Length counts as too large). */
export async function bodyExceeds(req: Request, max: number): Promise<boolean> {
  const declared = req.headers.get("content-length");
  if (declared !== null) return !/^\d+$/.test(declared.trim()) || Number(declared) > max;
  if (!req.body) return false;
  const reader = req.clone().body!.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      seen += value.byteLength;
      if (seen > max) return true;
    }
  } finally {
    // a cancelled branch of a tee settles only once the other is cancelled too: do not wait for it
    void reader.cancel().catch(() => undefined);
  }
}

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

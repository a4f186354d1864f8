// Security headers. The Content-Security-Policy carries a fresh nonce per request: Next reads it
// from the request's CSP header and puts it on its own scripts, so only those run ('strict-dynamic'
// lets them load the app's chunks); no inline script an attacker injects can. Styles allow inline
// ones: React and recharts set style attributes, which nonces cannot cover. Images allow data: and
// blob: (chart exports). Nothing may frame the app. The other headers (nosniff, Referrer-Policy,
// X-Frame-Options) are set for every response in next.config.mjs.

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    // development only: React rebuilds server error stacks with eval
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

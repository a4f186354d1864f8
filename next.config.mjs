/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Docker image runs the standalone server; `next start` (demo, tests) needs the normal output.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  // jiti loads the metric files at run time (lib/metrics/loader.ts): kept out of the bundle, and so is zod,
  // which those files reach through lib/metrics/define.ts
  serverExternalPackages: ["@duckdb/node-api", "@libsql/client", "@prisma/adapter-libsql", "pg", "@prisma/adapter-pg", "jiti", "zod"],
  typescript: { tsconfigPath: "tsconfig.json" },
  // Next's default, written out: the proxy answers 413 above it (lib/http/screen-request.ts holds the same number)
  experimental: { serverActions: { bodySizeLimit: 1024 * 1024 } },
  poweredByHeader: false,
  // Every response; the Content-Security-Policy (with its per-request nonce) comes from the proxy.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
    ];
  },
};

export default nextConfig;

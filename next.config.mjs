/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Docker image runs the standalone server; `next start` (demo, tests) needs the normal output.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  serverExternalPackages: ["@duckdb/node-api", "@libsql/client", "@prisma/adapter-libsql", "pg", "@prisma/adapter-pg"],
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  serverExternalPackages: ["@duckdb/node-api", "@libsql/client", "@prisma/adapter-libsql"],
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;

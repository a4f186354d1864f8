import { prisma } from "@/lib/db";

// Values every server process must share (they live in the app database, not in one process).

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "P2002";
}

/** The stored value, or `make()` stored under the key when there is none (the first writer wins). */
export async function settingOrCreate(key: string, make: () => string): Promise<string> {
  const found = await prisma.setting.findUnique({ where: { key } });
  if (found) return found.value;
  try {
    return (await prisma.setting.create({ data: { key, value: make() } })).value;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return (await prisma.setting.findUniqueOrThrow({ where: { key } })).value;
  }
}

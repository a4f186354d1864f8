import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";

/** Another process that takes the app database's write lock on request (hold-app-db-lock.ts). */
export class LockHolder {
  private readonly child: ChildProcessWithoutNullStreams;
  private lines: string[] = [];
  private waiters: { word: string; resolve: () => void }[] = [];

  constructor(url: string) {
    this.child = spawn(path.join(process.cwd(), "node_modules", ".bin", "tsx"), [path.join("tests", "support", "hold-app-db-lock.ts"), url]);
    this.child.stdout.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.word === line ? (w.resolve(), false) : true));
      }
    });
  }

  said(word: string): Promise<void> {
    if (this.lines.includes(word)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ word, resolve }));
  }

  /** Takes the write lock for `ms`; resolves once it is held. */
  async lock(ms: number): Promise<{ released: Promise<void> }> {
    await this.said("ready");
    this.lines = this.lines.filter((l) => l !== "locked" && l !== "released");
    const locked = this.said("locked");
    this.child.stdin.write(`lock ${ms}\n`);
    await locked;
    return { released: this.said("released") };
  }

  stop() {
    this.child.stdin.write("quit\n");
  }
}

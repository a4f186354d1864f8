import { GrowthBook } from "@growthbook/growthbook";
import { describe, expect, it } from "vitest";
import { createAssigner } from "@/lib/assignment/assigner";
import type { ExperimentDefinitionInput } from "@/lib/assignment/definition";
import { buildFeaturesPayload } from "@/lib/assignment/payload";
import { MemoryStickyStore, StoreStickyBucketService, type StickyAssignmentsDocument } from "@/lib/assignment/sticky-store";

const base: ExperimentDefinitionInput = {
  key: "checkout",
  name: "Checkout",
  status: "running",
  variations: [{ key: "control" }, { key: "one-page" }, { key: "express" }],
  coverage: 0.5,
  condition: { country: "US" },
};
const assignerOf = (...defs: ExperimentDefinitionInput[]) => createAssigner(buildFeaturesPayload(defs));
const ids = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

describe("forced variations", () => {
  const assigner = assignerOf(base);

  it("serves the forced variation without hashing or tracking, even to users the experiment would leave out", () => {
    const outsider = { id: "user-1", country: "FR" };
    expect(assigner.assignExperiment("checkout", { attributes: outsider }).inExperiment).toBe(false);
    const forced = assigner.assignExperiment("checkout", { attributes: outsider, forcedVariations: { checkout: 2 } });
    expect(forced).toMatchObject({ inExperiment: true, variationIndex: 2, variationKey: "express", value: "express", forced: true, tracked: false, bucket: null });
    // what the client SDK does with the same forcing
    const gb = new GrowthBook({ attributes: outsider, forcedVariations: { checkout: 2 } });
    gb.initSync({ payload: buildFeaturesPayload([base]) });
    expect(gb.evalFeature("checkout").value).toBe("express");
  });

  it("takes ?<experiment key>=<index> from the page URL and ignores an index out of range", () => {
    const attributes = { id: "user-1", country: "FR" };
    expect(assigner.assignExperiment("checkout", { attributes, url: "https://shop.example/cart?utm=x&checkout=1#top" })).toMatchObject({
      variationKey: "one-page",
      forced: true,
      tracked: false,
    });
    expect(assigner.assignExperiment("checkout", { attributes, url: "https://shop.example/cart?checkout=7" }).inExperiment).toBe(false);
  });

  it("hash-assigned users are tracked and not marked forced", () => {
    const hashed = ids.map((id) => assigner.assignExperiment("checkout", { attributes: { id, country: "US" } })).filter((a) => a.inExperiment);
    expect(hashed.length).toBeGreaterThan(800);
    expect(hashed.every((a) => !a.forced && a.tracked && a.bucket !== null)).toBe(true);
  });

  it("throws for an experiment that is not in the payload", () => {
    expect(() => assigner.assignExperiment("nope", { attributes: { id: "x" } })).toThrow('no running experiment "nope" in this payload');
  });
});

describe("sticky bucketing", () => {
  const phase0: ExperimentDefinitionInput = { ...base, coverage: 1, condition: undefined, weights: [1, 1, 1] };
  const phase1: ExperimentDefinitionInput = { ...phase0, weights: [0.1, 0.1, 0.8], phase: 1 };

  it("keeps every user on the variation they first got after the weights change; new users follow the new weights", async () => {
    const store = new MemoryStickyStore();
    const before = assignerOf(phase0);
    const first = new Map<string, string>();
    for (const id of ids.slice(0, 1000)) first.set(id, (await before.assignSticky({ attributes: { id } }, store))[0]!.variationKey!);
    expect(store.size).toBe(1000);

    const after = assignerOf(phase1);
    let movedWithoutSticky = 0;
    for (const id of ids.slice(0, 1000)) {
      const [sticky] = await after.assignSticky({ attributes: { id } }, store);
      expect(sticky).toMatchObject({ inExperiment: true, variationKey: first.get(id), stickyBucketUsed: true });
      if (after.assignExperiment("checkout", { attributes: { id } }).variationKey !== first.get(id)) movedWithoutSticky++;
    }
    // without the store, a large share would have moved (about 0.5 of them under these weights)
    expect(movedWithoutSticky).toBeGreaterThan(350);

    const newcomers = await Promise.all(ids.slice(1000).map(async (id) => (await after.assignSticky({ attributes: { id } }, store))[0]!));
    expect(newcomers.every((a) => !a.stickyBucketUsed)).toBe(true);
    const express = newcomers.filter((a) => a.variationKey === "express").length / newcomers.length;
    expect(express).toBeGreaterThan(0.74);
    expect(express).toBeLessThan(0.86);
  });

  it("re-buckets on a new bucket version, and excludes users bucketed before minBucketVersion", async () => {
    const store = new MemoryStickyStore();
    for (const id of ids.slice(0, 300)) await assignerOf(phase0).assignSticky({ attributes: { id } }, store);

    const rebucket = assignerOf({ ...phase1, sticky: { bucketVersion: 1 } });
    const fresh = assignerOf({ ...phase1 });
    for (const id of ids.slice(0, 300)) {
      const [a] = await rebucket.assignSticky({ attributes: { id } }, store);
      expect(a!.stickyBucketUsed).toBe(false);
      expect(a!.variationKey).toBe(fresh.assignExperiment("checkout", { attributes: { id } }).variationKey);
    }
    const doc = await store.get({ attributeName: "id", attributeValue: "user-0" });
    expect(Object.keys(doc!.assignments).sort()).toEqual(["checkout__0", "checkout__1"]);

    const blocked = assignerOf({ ...phase1, sticky: { bucketVersion: 2, minBucketVersion: 2 } });
    const [old] = await blocked.assignSticky({ attributes: { id: "user-0" } }, store);
    expect(old).toMatchObject({ inExperiment: false, variationKey: null });
    const [newcomer] = await blocked.assignSticky({ attributes: { id: "someone-new" } }, store);
    expect(newcomer!.inExperiment).toBe(true);
  });

  it("answers only after the store has saved the new assignments", async () => {
    const saved: StickyAssignmentsDocument[] = [];
    const slowStore = {
      get: async () => null,
      save: (doc: StickyAssignmentsDocument) => new Promise<void>((resolve) => setTimeout(() => (saved.push(doc), resolve()), 30)),
    };
    const [a] = await assignerOf(phase0).assignSticky({ attributes: { id: "user-7" } }, slowStore);
    expect(saved).toEqual([{ attributeName: "id", attributeValue: "user-7", assignments: { checkout__0: a!.variationKey } }]);
  });

  it("shares its documents with the client SDK's sticky bucketing", async () => {
    const store = new MemoryStickyStore();
    const server = assignerOf(phase0);
    for (const id of ids.slice(0, 200)) await server.assignSticky({ attributes: { id } }, store);
    for (const id of ids.slice(0, 200)) {
      const gb = new GrowthBook({ attributes: { id }, stickyBucketService: new StoreStickyBucketService(store) });
      await gb.init({ payload: buildFeaturesPayload([phase1]) });
      const [serverSide] = await assignerOf(phase1).assignSticky({ attributes: { id } }, store);
      const client = gb.evalFeature("checkout").experimentResult!;
      expect([client.key, client.stickyBucketUsed]).toEqual([serverSide!.variationKey, true]);
    }
  });

  it("falls back to another identity attribute when the hash attribute is missing", async () => {
    const store = new MemoryStickyStore();
    const withFallback: ExperimentDefinitionInput = { ...phase0, sticky: { fallbackAttribute: "device_id" } };
    const [anonymous] = await assignerOf(withFallback).assignSticky({ attributes: { device_id: "dev-1" } }, store);
    expect(anonymous).toMatchObject({ inExperiment: true, hashAttribute: "device_id", hashValue: "dev-1" });
    // after logging in, the weights changed: the device's sticky assignment is kept
    const [loggedIn] = await assignerOf({ ...phase1, sticky: { fallbackAttribute: "device_id" } }).assignSticky(
      { attributes: { id: "user-42", device_id: "dev-1" } },
      store,
    );
    expect(loggedIn).toMatchObject({ variationKey: anonymous!.variationKey, stickyBucketUsed: true });
  });
});

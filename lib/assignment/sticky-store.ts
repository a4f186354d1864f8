// Sticky bucketing on the server: where a user's past assignments are kept, so changing weights or
// coverage mid-flight does not move anybody who already saw a variation. The SDK does the logic
// (it reads the documents before evaluating and writes the changed ones); we only store them.
import { StickyBucketService, type StickyAssignmentsDocument } from "@growthbook/growthbook";

export type { StickyAssignmentsDocument };

/** One user identity: an attribute and its value (e.g. id = "u-42", or deviceId before login). */
export interface StickyIdentity {
  attributeName: string;
  attributeValue: string;
}

/**
 * Storage of sticky assignment documents, one per identity: `assignments` maps
 * "<experiment key>__<bucket version>" to the variation key the user got.
 */
export interface StickyAssignmentStore {
  /** the identity's document, or null when it has none yet */
  get(identity: StickyIdentity): Promise<StickyAssignmentsDocument | null>;
  /** replaces the identity's document; durable when the promise resolves */
  save(doc: StickyAssignmentsDocument): Promise<void>;
}

const identityKey = (attributeName: string, attributeValue: string) => JSON.stringify([attributeName, attributeValue]);

/** A store in this process's memory: for tests and single-process use (it is gone on restart). */
export class MemoryStickyStore implements StickyAssignmentStore {
  private readonly docs = new Map<string, StickyAssignmentsDocument>();

  async get(identity: StickyIdentity): Promise<StickyAssignmentsDocument | null> {
    const doc = this.docs.get(identityKey(identity.attributeName, identity.attributeValue));
    return doc ? structuredClone(doc) : null;
  }

  async save(doc: StickyAssignmentsDocument): Promise<void> {
    this.docs.set(identityKey(doc.attributeName, doc.attributeValue), structuredClone(doc));
  }

  get size(): number {
    return this.docs.size;
  }
}

/** The SDK's service interface over a store (the SDK asks once per identity attribute of the user). */
export class StoreStickyBucketService extends StickyBucketService {
  constructor(private readonly store: StickyAssignmentStore) {
    super();
  }

  async getAssignments(attributeName: string, attributeValue: string): Promise<StickyAssignmentsDocument | null> {
    return this.store.get({ attributeName, attributeValue });
  }

  async saveAssignments(doc: StickyAssignmentsDocument): Promise<void> {
    await this.store.save(doc);
  }
}

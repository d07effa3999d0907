/**
 * The event ids accepted lately, at most `capacity` of them (the least recently seen is forgotten
 * first), so memory stays bounded however long the receiver runs. wxop retries a delivery for
 * at least 24 h: size it for a day of your traffic, or keep ids in your database instead (see README).
 */
export class SeenEvents {
  constructor(capacity) {
    this.capacity = capacity;
    this.ids = new Set();
  }

  /** Remembers `id`; answers false when it was already remembered (a duplicate delivery). */
  add(id) {
    if (this.ids.has(id)) {
      // Seen again: keep it longest, a sender retrying it may retry it once more.
      this.ids.delete(id);
      this.ids.add(id);
      return false;
    }
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value);
    return true;
  }

  get size() {
    return this.ids.size;
  }
}

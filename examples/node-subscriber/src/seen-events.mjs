/**
 * The envelope ids handled lately, at most `capacity` of them, the least recently seen forgotten
 * first. Delivery is at-least-once, so every subscriber deduplicates by `id`.
 *
 * In memory, so a restart forgets them and a second replica does not share them: enough for an
 * example. In production, record the id in the same database transaction as the work the event
 * causes (an inbox table with the id as primary key), and skip the event when that insert collides.
 */
export class SeenEvents {
  #ids = new Map();

  constructor(capacity) {
    this.capacity = capacity;
  }

  has(id) {
    if (!this.#ids.has(id)) return false;
    // Seen again: move it to the young end.
    this.#ids.delete(id);
    this.#ids.set(id, true);
    return true;
  }

  add(id) {
    this.#ids.delete(id);
    this.#ids.set(id, true);
    while (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.keys().next().value);
  }
}

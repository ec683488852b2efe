/**
 * Which keys of an options object to read.
 * @module
 */

/**
 * The keys of `input` to look at among `known`: its own keys for a plain object (usually one
 * or two: cheaper than probing every known key), else every known key (a `Request` given as
 * init keeps its getters on the prototype).
 */
export function keysToRead(input: object, known: readonly string[]): readonly string[] {
  return Object.getPrototypeOf(input) === Object.prototype ? Object.keys(input) : known;
}

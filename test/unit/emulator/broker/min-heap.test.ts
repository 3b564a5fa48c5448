import { describe, expect, it } from "vitest";
import { MinHeap } from "../../../../emulator/src/broker/min-heap.js";

/** A small deterministic generator (mulberry32) so that failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drain<T>(heap: MinHeap<T>): T[] {
  const out: T[] = [];
  for (let value = heap.pop(); value !== undefined; value = heap.pop()) out.push(value);
  return out;
}

const numbers = (): MinHeap<number> => new MinHeap<number>((a, b) => a < b);

describe("MinHeap", () => {
  it("is empty at first: size 0, peek and pop give undefined", () => {
    const heap = numbers();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
    expect(heap.size).toBe(0);
  });

  it("holds one value until it is popped", () => {
    const heap = numbers();
    heap.push(7);
    expect(heap.size).toBe(1);
    expect(heap.peek()).toBe(7);
    expect(heap.size).toBe(1);
    expect(heap.pop()).toBe(7);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });

  it("peeks at the smallest value without removing it", () => {
    const heap = numbers();
    for (const value of [5, 3, 9, 1, 4]) heap.push(value);
    expect(heap.peek()).toBe(1);
    expect(heap.peek()).toBe(1);
    expect(heap.size).toBe(5);
  });

  it("pops values in ascending order whatever order they were pushed in", () => {
    for (const input of [
      [1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1],
      [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
      [2, 2, 2, 1, 1],
    ]) {
      const heap = numbers();
      for (const value of input) heap.push(value);
      expect(drain(heap)).toEqual([...input].sort((a, b) => a - b));
    }
  });

  it("sorts large random inputs, duplicates included", () => {
    const next = random(42);
    for (const count of [2, 3, 10, 100, 1000]) {
      const input = Array.from({ length: count }, () => Math.floor(next() * count));
      const heap = numbers();
      for (const value of input) heap.push(value);
      expect(heap.size).toBe(count);
      expect(drain(heap)).toEqual([...input].sort((a, b) => a - b));
    }
  });

  it("stays ordered when pushes and pops interleave, as a sorted list would", () => {
    const next = random(7);
    const heap = numbers();
    const model: number[] = [];
    for (let step = 0; step < 5000; step += 1) {
      if (model.length === 0 || next() < 0.55) {
        const value = Math.floor(next() * 500);
        heap.push(value);
        model.push(value);
        model.sort((a, b) => a - b);
      } else {
        expect(heap.pop()).toBe(model.shift());
      }
      expect(heap.size).toBe(model.length);
      expect(heap.peek()).toBe(model[0]);
    }
  });

  it("orders objects by the comparator it was given", () => {
    const heap = new MinHeap<{ atMs: number; sequenceNumber: number }>((a, b) => a.atMs < b.atMs);
    heap.push({ atMs: 300, sequenceNumber: 1 });
    heap.push({ atMs: 100, sequenceNumber: 2 });
    heap.push({ atMs: 200, sequenceNumber: 3 });
    expect(drain(heap).map((entry) => entry.sequenceNumber)).toEqual([2, 3, 1]);
  });

  it("becomes a max-heap with a reversed comparator", () => {
    const heap = new MinHeap<number>((a, b) => a > b);
    for (const value of [4, 8, 1, 9, 3]) heap.push(value);
    expect(drain(heap)).toEqual([9, 8, 4, 3, 1]);
  });

  it("keeps values that are falsy but defined, such as 0 and the empty string", () => {
    const heap = numbers();
    heap.push(0);
    heap.push(-1);
    heap.push(0);
    expect(drain(heap)).toEqual([-1, 0, 0]);
    const strings = new MinHeap<string>((a, b) => a < b);
    strings.push("b");
    strings.push("");
    expect(drain(strings)).toEqual(["", "b"]);
  });

  it("can be reused after it has been emptied", () => {
    const heap = numbers();
    heap.push(2);
    heap.push(1);
    expect(drain(heap)).toEqual([1, 2]);
    heap.push(5);
    heap.push(4);
    expect(drain(heap)).toEqual([4, 5]);
  });
});

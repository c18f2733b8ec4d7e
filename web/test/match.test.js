// The JavaScript matcher against the Python one: every conformance vector, exactly.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { windowOutlook } from "../src/find.js";
import { bareHardRules, match, n, pyRound, unpackFacts } from "../src/match.js";

const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8"));

test("the vectors are many and varied", () => {
  assert.ok(vectors.cases.length >= 100);
  const kinds = new Set(vectors.cases.flatMap((c) => c.expected.near_misses.map((m) => m.rule)));
  for (const rule of ["relocation", "hours", "duration", "stipend", "region", "stage", "age"]) assert.ok(kinds.has(rule), rule);
});

for (const c of vectors.cases) {
  test(`conformance: ${c.profile.name}`, () => {
    assert.deepStrictEqual(match(vectors, c.profile, vectors.today), c.expected);
  });
}

test("numbers are written as Python writes them, ties to even", () => {
  assert.equal(n(1234), "1,234");
  assert.equal(n(2.5), "2.5");
  assert.equal(n(1234567.25), "1,234,567.2");
  assert.equal(n(null), "?");
  assert.equal(pyRound(1.125, 2), 1.12);
  assert.equal(pyRound(1.375, 2), 1.38);
  assert.equal(pyRound(2.675, 2), 2.67);  // 2.675 is below the tie in binary
});

test("window outlooks say what Python says: next window, past pattern, or last window", () => {
  const byId = new Map(vectors.records.map((r) => [r.id, r]));
  for (const [id, text] of Object.entries(vectors.outlooks)) assert.equal(windowOutlook(byId.get(id), vectors.today), text, id);
  assert.ok(Object.values(vectors.outlooks).some((t) => t.includes("past windows closed in June (2024-25)")));
});

test("unpackFacts turns the shipped columns and rows back into records", () => {
  const packed = { version: 1, records: { columns: ["id", "mode", "areas"], rows: [["a", "remote", ["x"]], ["b", null, []]] } };
  assert.deepEqual(unpackFacts(packed).records, [{ id: "a", mode: "remote", areas: ["x"] }, { id: "b", mode: null, areas: [] }]);
  assert.equal(unpackFacts(packed).version, 1);
  const plain = { records: [{ id: "a" }] };
  assert.equal(unpackFacts(plain), plain);
});

test("the bench's bare loop counts the pairs the matcher finds fitting", () => {
  const data = { ...vectors, records: vectors.records };
  const profiles = vectors.cases.slice(0, 20).map((c) => c.profile);
  const fitting = profiles.reduce((sum, p) => sum + match(data, p, vectors.today).matches.length, 0);
  assert.equal(bareHardRules(data, profiles), fitting);
});

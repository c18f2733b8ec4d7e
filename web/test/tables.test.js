// Sorting a table column: numbers numerically, text by locale, unknown (empty) values last.
import assert from "node:assert/strict";
import { test } from "node:test";

import { compareValues } from "../src/tables.js";

const sorted = (values, type, direction) => [...values].sort((a, b) => compareValues(a, b, type, direction));

test("numbers sort as numbers, not as text", () => {
  assert.deepEqual(sorted(["10", "9", "100", "2.5"], "number", "ascending"), ["2.5", "9", "10", "100"]);
  assert.deepEqual(sorted(["10", "9", "100", "2.5"], "number", "descending"), ["100", "10", "9", "2.5"]);
});

test("unknown values go last in either direction", () => {
  assert.deepEqual(sorted(["", "3", "1"], "number", "ascending"), ["1", "3", ""]);
  assert.deepEqual(sorted(["", "3", "1"], "number", "descending"), ["3", "1", ""]);
});

test("text sorts case-insensitively", () => {
  assert.deepEqual(sorted(["remote", "Hybrid", "in_person"], "text", "ascending"), ["Hybrid", "in_person", "remote"]);
});

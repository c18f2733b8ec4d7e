// The JavaScript design briefs against the Python ones: every conformance vector, exactly, plus
// budget arithmetic worked out by hand.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { brief, DesignError, quantity, staffing, totals } from "../src/design.js";

const vectors = JSON.parse(readFileSync(new URL("./design-vectors.json", import.meta.url), "utf8"));

test("the vectors cover every template, overrides and the edge template", () => {
  const ids = new Set(vectors.cases.map((c) => c.options.template));
  for (const id of Object.keys(vectors.payload.templates)) assert.ok(ids.has(id), id);
  assert.ok(vectors.cases.some((c) => c.options.weeks !== undefined && c.options.cohort !== undefined));
  assert.ok(ids.has("edge-template"));
});

for (const c of vectors.cases) {
  test(`conformance: ${JSON.stringify(c.options)}`, () => {
    const got = brief(vectors.payload, vectors.facts, c.options, vectors.today);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(got)), c.expected);
  });
}

test("staff are counted per participants, rounded up, or fixed", () => {
  const staff = staffing([{ role: "mentor", participants_per: 4, hours_per_week: 1, basis: "b", source: "estimate" },
                          { role: "lead", count: 1, hours_per_week: { min: 5, max: 10 }, basis: "b", source: "estimate" }], 9);
  assert.deepEqual(staff.map((s) => s.count), [3, 1]);
  // 3 mentors x 1 h x 10 weeks; the lead 1 x 5-10 h x 10 weeks
  assert.deepEqual(quantity("mentor_hour", staff, 9, null, [10, 10]), [30, 30]);
  assert.deepEqual(quantity("lead_hour", staff, 9, null, [10, 10]), [50, 100]);
  assert.deepEqual(quantity("participant_hour", staff, 9, [4, 6], [10, 10]), [360, 540]);
  assert.equal(quantity("reviewer_hour", staff, 9, null, [10, 10]), null);
});

test("totals leave unknown lines out, name them, and keep an unknown upper end unknown", () => {
  const lines = [{ item: "stipends", label: null, usd: [100, 200] }, { item: "venue", label: "Hall", usd: [50, null] },
                 { item: "lead", label: null, usd: null }];
  assert.deepEqual(totals(lines, 3), { total_usd: [150, null], per_participant_usd: [50, null], unknown: ["Program lead"] });
});

test("an unknown option is a DesignError that names what is expected", () => {
  assert.throws(() => brief(vectors.payload, vectors.facts, { template: "nope" }, vectors.today), DesignError);
  const template = Object.keys(vectors.payload.templates)[0];
  assert.throws(() => brief(vectors.payload, vectors.facts, { template, cohort: 0 }, vectors.today), /cohort/);
});

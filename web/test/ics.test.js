// Calendar files: stable UIDs, folding, escaping, only windows ahead.
import assert from "node:assert/strict";
import { test } from "node:test";

import { deadlinesCalendar, escapeText, fold, uid } from "../src/ics.js";

const programs = [
  { id: "spar", name: "SPAR, spring; \"research\"", url: "https://sparai.org/program",
    windows: [["Spring 2027", "2026-12-01", "2027-01-15"], ["Fall 2026", null, "2026-06-01"]] },
  { id: "mats", name: "MATS", url: null, windows: [["Summer", "2027-01-01", "2027-02-01"]] },
];

test("one event per window ahead, on its closing day, with a stable UID", () => {
  const { text, events } = deadlinesCalendar(programs, "2026-12-03");
  assert.equal(events, 2);
  assert.ok(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  assert.ok(text.endsWith("END:VCALENDAR\r\n"));
  assert.ok(text.includes("UID:spar-2027-01-15-spring-2027@onramp\r\n"));
  assert.ok(text.includes("DTSTART;VALUE=DATE:20270115\r\nDTEND;VALUE=DATE:20270116\r\n"));
  assert.ok(!text.includes("20260601"));  // the window that closed is left out
  assert.equal(deadlinesCalendar(programs, "2026-12-03").text, text);  // same answer, same file
  assert.equal(uid("spar", programs[0].windows[0]), "spar-2027-01-15-spring-2027@onramp");
});

test("text is escaped and long lines are folded at 75 octets, never inside a character", () => {
  assert.equal(escapeText("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  const line = "DESCRIPTION:" + "é".repeat(60);
  const folded = fold(line).split("\r\n");
  assert.ok(folded.length > 1);
  for (const part of folded) assert.ok(new TextEncoder().encode(part).length <= 75);
  assert.equal(folded.map((p, i) => (i ? p.slice(1) : p)).join(""), line);
});

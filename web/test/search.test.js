// The search box's pure parts; the box itself is tested in Chromium (tests/test_site_safety.py, tests/test_site.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { resultHref } from "../src/search.js";

test("a result links to a page of this site, under the site's base", () => {
  assert.equal(resultHref("/programs/mats/", "https://example.org/onramp/"), "https://example.org/onramp/programs/mats/");
  assert.equal(resultHref("programs/mats/", "http://127.0.0.1:8000/"), "http://127.0.0.1:8000/programs/mats/");
});

test("an index entry naming another origin or a script is not linked", () => {
  assert.equal(resultHref("//evil.example/x", "https://example.org/"), "https://example.org/evil.example/x");
  assert.equal(resultHref("https://evil.example/x", "https://example.org/"), null);
  assert.equal(resultHref("javascript:alert(1)", "https://example.org/"), null);
});

// The site's one script (bundled by esbuild into assets/onramp.js at build time): the programs
// list, the header's search box, the Find page, the Design page, sortable tables, and the gap map's place selector.
// window.onramp exposes the matcher and the briefs so that the browser tests can run the
// conformance vectors in Chromium.
import { brief } from "./design.js";
import * as designPage from "./design-page.js";
import * as find from "./find.js";
import { bareHardRules, match } from "./match.js";
import * as programs from "./programs.js";
import * as search from "./search.js";
import * as tables from "./tables.js";

window.onramp = { match, bareHardRules, brief, data: null, lastBrief: null };

function placeSelector() {
  for (const form of document.querySelectorAll("form[data-onramp-place]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const target = form.elements.place.value;
      if (target) window.location.assign(new URL(target, window.location.href).href);
    });
  }
}

search.start();
programs.start();
find.start();
designPage.start();
tables.start();
placeSelector();

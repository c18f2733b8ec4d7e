// Calendar files (RFC 5545) of application deadlines, made in the browser. Pure functions.
// Each known upcoming window is one all-day event on its closing date; its UID is built from the
// program id, the closing date and the window's label, so importing the file again updates the
// same events instead of adding copies.

const CRLF = "\r\n";

/** Text escaped for an iCalendar TEXT value (backslash, semicolon, comma, newline). */
export function escapeText(text) {
  return String(text).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n|\r/g, "\\n");
}

/** A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
export function fold(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = "";
  let size = 0;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    const limit = parts.length === 0 ? 75 : 74;  // continuation lines start with a space
    if (size + bytes > limit) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += char;
    size += bytes;
  }
  parts.push(current);
  return parts.join(CRLF + " ");
}

function compact(day) {
  return day.replace(/-/g, "");
}

function nextDay(day) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "window";
}

/** The UID of one program's window: stable for the same program, closing date and label. */
export function uid(programId, window) {
  return `${programId}-${window[2]}-${slug(window[0])}@onramp`;
}

/**
 * An iCalendar file of the windows closing on or after `today`.
 * @param {Array<{id: string, name: string, url: string|null, windows: Array<[string, string|null, string]>}>} programs
 * @param {string} today YYYY-MM-DD (also the DTSTAMP, so the same answer gives the same file)
 * @returns {{text: string, events: number}}
 */
export function deadlinesCalendar(programs, today) {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Onramp//Find a program//EN", "CALSCALE:GREGORIAN",
                 "METHOD:PUBLISH", "X-WR-CALNAME:AI-safety program deadlines (Onramp)"];
  let events = 0;
  for (const p of programs) {
    for (const w of p.windows) {
      const [label, opens, closes] = w;
      if (closes < today) continue;
      events += 1;
      const details = [`${p.name}: ${label}.`, opens ? `Opens ${opens}.` : "Opening date not known.",
                       "Dates change: check the organiser's site before you rely on this."];
      if (p.url) details.push(p.url);
      lines.push("BEGIN:VEVENT", `UID:${uid(p.id, w)}`, `DTSTAMP:${compact(today)}T000000Z`,
                 `DTSTART;VALUE=DATE:${compact(closes)}`, `DTEND;VALUE=DATE:${compact(nextDay(closes))}`,
                 `SUMMARY:${escapeText(`Applications close: ${p.name}`)}`,
                 `DESCRIPTION:${escapeText(details.join(" "))}`);
      if (p.url) lines.push(`URL:${p.url}`);
      lines.push("END:VEVENT");
    }
  }
  lines.push("END:VCALENDAR");
  return { text: lines.map(fold).join(CRLF) + CRLF, events };
}

// The check screen's machine-readable zone, read as it is typed or scanned: the
// fields below are filled in, and a failing check digit is pointed at (line,
// position, found, expected) before the officer submits. The server reads the
// zone again on submit (concord/identifiers/mrz.py): this is help, not the check.
"use strict";

(function () {
  const WEIGHTS = [7, 3, 1];
  const ONE_LINE = { 72: 36, 88: 44, 90: 30 };
  // Where each element sits (1-based line and column), as in concord/identifiers/mrz.py.
  const LAYOUTS = {
    TD1: { name: [3, 1, 30], issuer: [1, 3], number: [1, 6], overflow: [1, 16, 15],
           birth: [2, 1], nationality: [2, 16], optional: [[1, 16, 15], [2, 19, 11]],
           optionalCheck: null, composite: [[1, 6, 25], [2, 1, 7], [2, 9, 7], [2, 19, 11]],
           compositeAt: [2, 30] },
    TD2: { name: [1, 6, 31], issuer: [1, 3], number: [2, 1], overflow: [2, 29, 7],
           birth: [2, 14], nationality: [2, 11], optionalCheck: null,
           composite: [[2, 1, 10], [2, 14, 7], [2, 22, 14]], compositeAt: [2, 36] },
    TD3: { name: [1, 6, 39], issuer: [1, 3], number: [2, 1], overflow: null,
           birth: [2, 14], nationality: [2, 11], optionalCheck: [2, 43], optionalSpan: [2, 29, 14],
           composite: [[2, 1, 10], [2, 14, 7], [2, 22, 22]], compositeAt: [2, 44] },
    MRVA: { name: [1, 6, 39], issuer: [1, 3], number: [2, 1], overflow: null,
            birth: [2, 14], nationality: [2, 11], optionalCheck: null, composite: [], compositeAt: null },
    MRVB: { name: [1, 6, 31], issuer: [1, 3], number: [2, 1], overflow: null,
            birth: [2, 14], nationality: [2, 11], optionalCheck: null, composite: [], compositeAt: null },
  };
  let panelTexts = {};  // the catalogue's texts, carried by the panel's data-* attributes

  /** A text of the catalogue with its {placeholders} filled in. */
  function say(key, values = {}) {
    const text = panelTexts[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  }

  function value(char) {
    if (char >= "0" && char <= "9") return char.charCodeAt(0) - 48;
    if (char >= "A" && char <= "Z") return char.charCodeAt(0) - 55;
    return 0; // '<'
  }

  function checkDigit(data) {
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum += value(data[i]) * WEIGHTS[i % 3];
    return String(sum % 10);
  }

  function lines(text) {
    let rows = text.toUpperCase().split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
    if (rows.length === 1 && ONE_LINE[rows[0].length]) {
      const width = ONE_LINE[rows[0].length];
      const one = rows[0];
      rows = [];
      for (let i = 0; i < one.length; i += width) rows.push(one.slice(i, i + width));
    }
    return rows;
  }

  function shapeOf(rows) {
    if (rows.length === 3 && rows.every((r) => r.length === 30)) return "TD1";
    if (rows.length === 2 && rows.every((r) => r.length === 44)) return rows[0][0] === "V" ? "MRVA" : "TD3";
    if (rows.length === 2 && rows.every((r) => r.length === 36)) return rows[0][0] === "V" ? "MRVB" : "TD2";
    return null;
  }

  /** What the zone says so far: {format, problem, checks, fields}. */
  function read(text) {
    const rows = lines(text);
    if (!rows.length) return null;
    for (let l = 0; l < rows.length; l++) {
      const bad = rows[l].search(/[^A-Z0-9<]/);
      if (bad >= 0) {
        return { problem: { line: l + 1, position: bad + 1,
          message: say("mrzBadChar", { char: rows[l][bad] }) }, rows };
      }
    }
    const format = shapeOf(rows);
    if (!format) {
      const widths = rows.map((r) => r.length).join(" + ");
      return { rows, incomplete: say("mrzShape", { lines: rows.length, widths }) };
    }
    const layout = LAYOUTS[format];
    const at = (line, position, length = 1) => rows[line - 1].substr(position - 1, length);
    const checks = [];
    const check = (name, data, line, position, fillerOk) => {
      const found = at(line, position);
      const expected = checkDigit(data);
      const ok = found === expected || (fillerOk && found === "<" && /^<+$/.test(data));
      checks.push({ name, line, position, found, expected, ok });
    };
    // The document number, continued in the optional field when its check digit is '<'.
    const [nl, np] = layout.number;
    let number = at(nl, np, 9);
    if (layout.overflow && at(nl, np + 9) === "<") {
      const rest = at(...layout.overflow);
      const run = rest.split("<", 1)[0];
      if (run.length >= 2) {
        number += run.slice(0, -1);
        check("document_number", number, layout.overflow[0], layout.overflow[1] + run.length - 1);
      }
    } else {
      check("document_number", number, nl, np + 9);
    }
    const [bl, bp] = layout.birth;
    const birth = at(bl, bp, 6);
    check("birth_date", birth, bl, bp + 6);
    const expiry = at(bl, bp + 8, 6);
    check("expiry_date", expiry, bl, bp + 14);
    if (layout.optionalCheck) {
      check("optional_data", at(...layout.optionalSpan), ...layout.optionalCheck, true);
    }
    if (layout.compositeAt) {
      const data = layout.composite.map((span) => at(...span)).join("");
      check("composite", data, ...layout.compositeAt);
    }
    const [surname, given] = at(...layout.name).split("<<");
    const words = (part) => (part || "").split("<").filter((w) => w).join(" ");
    const fields = {
      doc_number: number.replace(/</g, ""),
      doc_country: at(...layout.issuer, 3).replace(/</g, ""),
      nationality: at(...layout.nationality, 3).replace(/</g, ""),
      name: words(given) ? `${words(surname)}, ${words(given)}` : words(surname),
      dob: birthDate(birth),
    };
    return { format, rows, checks, fields };
  }

  function birthDate(text) {
    if (!/^\d{6}$/.test(text)) return "";
    const year2 = Number(text.slice(0, 2));
    const now = new Date().getFullYear() % 100;
    const century = year2 > now ? 1900 : 2000;
    return `${century + year2}-${text.slice(2, 4)}-${text.slice(4, 6)}`;
  }

  function show(panel, result) {
    panel.replaceChildren();
    if (!result) { panel.hidden = true; return; }
    panel.hidden = false;
    const line = (text, cls) => {
      const p = document.createElement("p");
      p.textContent = text;
      if (cls) p.className = cls;
      panel.append(p);
      return p;
    };
    const failed = (result.checks || []).filter((c) => !c.ok);
    const pointAt = result.problem ? [result.problem] : failed;
    const zone = document.createElement("pre");
    zone.className = "mrz-lines";
    zone.dir = "ltr"; // the zone reads left to right in every language: its '<' must not flip
    result.rows.forEach((row, index) => {
      for (let i = 0; i < row.length; i++) {
        const bad = pointAt.some((c) => c.line === index + 1 && c.position === i + 1);
        if (bad) {
          const mark = document.createElement("mark");
          mark.textContent = row[i];
          zone.append(mark);
        } else {
          zone.append(row[i]);
        }
      }
      zone.append("\n");
    });
    panel.append(zone);
    if (result.problem) {
      line(say("mrzAt", result.problem), "mrz-bad");
    } else if (result.incomplete) {
      line(result.incomplete, "mrz-wait");
    } else {
      failed.forEach((c) => line(say("mrzCheckFails", { ...c, what: say("mrzField_" + c.name) }), "mrz-bad"));
      if (!failed.length) line(say("mrzAllGood", { format: result.format }), "mrz-good");
    }
  }

  function fill(form, fields) {
    for (const [name, text] of Object.entries(fields)) {
      const input = form.elements.namedItem(name);
      if (!input || !text) continue;
      // Fill what is empty or what this script filled before; never what the officer typed.
      if (input.value === "" || input.dataset.fromMrz === "1") {
        input.value = text;
        input.dataset.fromMrz = "1";
      }
    }
  }

  function start() {
    const zone = document.getElementById("mrz");
    const panel = document.getElementById("mrz-read");
    if (!zone || !panel) return;
    panelTexts = { ...panel.dataset };
    const form = zone.form;
    for (const input of form.querySelectorAll("input")) {
      input.addEventListener("input", () => { delete input.dataset.fromMrz; });
    }
    const update = () => {
      const result = read(zone.value);
      show(panel, result);
      const failed = result && (result.problem || (result.checks || []).some((c) => !c.ok));
      zone.setAttribute("aria-invalid", failed ? "true" : "false");
      if (result && result.fields) fill(form, result.fields);
    };
    zone.addEventListener("input", update);
    if (zone.value) update();
  }

  window.concordMrz = { read, checkDigit };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

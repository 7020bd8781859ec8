// The notice request form: the compliance rules' verdict as the form is filled in
// (the form is posted, debounced, to /web/notices/compliance, which runs the rules the
// service runs at submission without saving anything), the fields that belong to the
// chosen kind, and a new offence row once the last one is used. Without this script
// the form works the same through its "Check compliance" button.
"use strict";

(function () {
  const form = document.getElementById("notice-form");
  const panel = document.getElementById("compliance");
  if (!form || !panel) {
    return;
  }
  const kind = form.elements.namedItem("kind");
  const subjectKind = form.elements.namedItem("subject_kind");
  const offences = form.querySelector("fieldset.offences");
  const MAX_OFFENCES = 50;
  const DELAY = 350;
  let timer = null;
  let asked = 0;

  // -- the fields of the chosen kind --------------------------------------------------

  function showKindFields() {
    const chosen = kind.value;
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      const kinds = el.dataset.kinds.split(" ");
      el.hidden = !kinds.includes(chosen);
    });
    const objectField = subjectKind.closest("[data-kinds]");
    if (objectField && objectField.hidden) {
      subjectKind.value = "person";
    }
    const isPerson = subjectKind.value === "person";
    form.querySelectorAll("[data-subject]").forEach(function (el) {
      el.hidden = (el.dataset.subject === "person") !== isPerson;
    });
  }

  // -- offence rows -------------------------------------------------------------------

  function rows() {
    return offences.querySelectorAll("fieldset.offence");
  }

  function used(row) {
    return Array.from(row.querySelectorAll("input")).some(function (i) {
      return i.value.trim() !== "";
    });
  }

  function addRowIfNeeded() {
    const all = rows();
    const last = all[all.length - 1];
    if (!last || !used(last) || all.length >= MAX_OFFENCES) {
      return;
    }
    const index = all.length;
    const row = last.cloneNode(true);
    row.dataset.row = String(index);
    row.querySelector("legend").textContent = offences.dataset.rowLabel.replace("{n}", String(index + 1));
    row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    row.querySelectorAll("input").forEach(function (input) {
      const name = input.name.replace(/^offence_\d+_/, "offence_" + index + "_");
      input.name = name;
      input.id = name;
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.classList.remove("concerned");
    });
    row.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/^offence_\d+_/, "offence_" + index + "_");
    });
    last.after(row);
  }

  // -- the rules' verdict -------------------------------------------------------------

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function link(target, text) {
    const a = element("a", "", text);
    a.href = "#" + target;
    return a;
  }

  function markConcerned(results) {
    form.querySelectorAll(".concerned").forEach(function (el) { el.classList.remove("concerned"); });
    results.forEach(function (r) {
      (r.fields || []).forEach(function (f) {
        const field = document.getElementById(f.id);
        if (field && form.contains(field)) {
          field.classList.add("concerned");
        }
      });
    });
  }

  function setOutcome(outcome, text) {
    const p = panel.querySelector(".outcome");
    p.className = "outcome" + (outcome ? " outcome-" + outcome : "");
    p.textContent = text;
  }

  function draw(answer) {
    const list = panel.querySelector("ol.rules");
    const problems = panel.querySelector("ul.problems");
    list.replaceChildren();
    problems.replaceChildren();
    (answer.errors || []).forEach(function (e) {
      const li = element("li");
      li.append(link(e.id, e.label + ": " + e.message));
      problems.append(li);
    });
    (answer.results || []).forEach(function (r) {
      const li = element("li", "rule " + r.outcome);
      li.dataset.rule = r.rule;
      const head = element("p", "head");
      head.append(element("span", "state", panel.dataset[r.outcome] || r.outcome), " ",
        element("strong", "name", r.name));
      li.append(head);
      if (r.outcome !== "pass") { // a passed rule is its name; what went wrong is the message
        li.append(element("p", "message", r.message));
      }
      if (r.fields && r.fields.length) {
        const concerns = element("p", "concerns", panel.dataset.concerns + " ");
        r.fields.forEach(function (f, i) {
          if (i) {
            concerns.append(", ");
          }
          concerns.append(link(f.id, f.label));
        });
        li.append(concerns);
      }
      list.append(li);
    });
    if (answer.outcome) {
      const key = "outcome" + answer.outcome.charAt(0).toUpperCase() + answer.outcome.slice(1);
      setOutcome(answer.outcome, panel.dataset[key] || answer.outcome);
    } else {
      setOutcome("", panel.dataset.fix);
    }
    markConcerned(answer.results || []);
  }

  function check() {
    const mine = ++asked;
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    panel.setAttribute("aria-busy", "true");
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": document.body.dataset.csrf || "",
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: body,
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok || response.status === 422, answer: answer };
      });
    }).then(function (got) {
      if (mine !== asked) {
        return; // a newer question is on its way
      }
      if (!got.ok && !(got.answer && got.answer.errors)) {
        setOutcome("", panel.dataset.unreachable);
        return;
      }
      if (!Array.isArray(got.answer.errors)) {
        got.answer.errors = [];
      }
      draw(got.answer);
    }).catch(function () {
      if (mine === asked) {
        setOutcome("", panel.dataset.unreachable);
      }
    }).finally(function () {
      if (mine === asked) {
        panel.removeAttribute("aria-busy");
      }
    });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(check, DELAY);
  }

  form.addEventListener("input", function (event) {
    if (event.target.closest("fieldset.offence")) {
      addRowIfNeeded();
    }
    soon();
  });
  form.addEventListener("change", function (event) {
    if (event.target === kind || event.target === subjectKind) {
      showKindFields();
    }
    soon();
  });
  showKindFields();
}());

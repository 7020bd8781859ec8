/* Concord hits: keeps the hit queue, the command centre and the check screen's hit
   status lines current from the session's events (live.js), and answers a hit in two
   clicks: "Answer…" shows the row's two choices, a choice submits it. Every form
   also works without this script (plain POST, CSRF field, 303 back). */
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";
  var live = document.getElementById("hits-live");
  var said = document.getElementById("hits-said");
  var stopped = false;
  var pending = null;

  /* The check screen: one status line per hit the check recorded. */
  function refreshStatus(line) {
    var id = line.getAttribute("data-hit-status");
    fetch("/web/hits/" + encodeURIComponent(id) + "/status", {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (status) {
      if (status && status.text) {
        line.textContent = status.text;
        line.className = "hit-status " + status.tone;
        line.setAttribute("data-status", status.status);
      }
    }).catch(function () { /* the next event or reconnection tries again */ });
  }

  function statusLines(hitId) {
    var selector = hitId ? '[data-hit-status="' + Number(hitId) + '"]' : "[data-hit-status]";
    return document.querySelectorAll(selector);
  }

  function refreshStatuses(hitId) {
    var lines = statusLines(hitId);
    for (var i = 0; i < lines.length; i++) {
      refreshStatus(lines[i]);
    }
  }

  /* The queue and the command centre: rows re-rendered by the server, merged in so a
     row being filled in keeps what was typed unless its hit changed. */
  function sameRow(old, fresh) {
    return old.getAttribute("data-status") === fresh.getAttribute("data-status") &&
      old.getAttribute("data-late") === fresh.getAttribute("data-late");
  }

  function merge(body, freshBody) {
    var rows = [];
    var fresh = freshBody.children;
    for (var i = 0; i < fresh.length; i++) {
      var row = fresh[i];
      var old = row.id ? document.getElementById(row.id) : null;
      if (old && old.parentNode === body && sameRow(old, row)) {
        rows.push(old);
      } else {
        var adopted = document.importNode(row, true);
        if (!old && row.getAttribute("data-hit")) {
          adopted.classList.add("fresh");
        }
        rows.push(adopted);
      }
    }
    var current = Array.prototype.slice.call(body.children);
    var unchanged = current.length === rows.length && current.every(function (r, k) {
      return r === rows[k];
    });
    if (!unchanged) {
      body.replaceChildren.apply(body, rows);
    }
  }

  function refreshRows() {
    if (!live || stopped) {
      return;
    }
    fetch(live.getAttribute("data-live-src"), {
      headers: { Accept: "text/html" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok || response.redirected) {
        stopped = true;  /* the session ended: live.js says so */
        return null;
      }
      return response.text();
    }).then(function (html) {
      if (html === null) {
        return;
      }
      var template = document.createElement("template");
      template.innerHTML = html;
      var bodies = template.content.querySelectorAll("tbody[id]");
      for (var i = 0; i < bodies.length; i++) {
        var body = document.getElementById(bodies[i].id);
        if (body) {
          merge(body, bodies[i]);
        }
      }
      enhance();
    }).catch(function () { /* the next event or the periodic refresh tries again */ });
  }

  function soon() {
    if (pending === null) {
      pending = window.setTimeout(function () {
        pending = null;
        refreshRows();
      }, 250);
    }
  }

  /* Two clicks: the row's choices stay folded behind "Answer…" until asked for. */
  function enhance() {
    var forms = document.querySelectorAll("form.answer:not([data-enhanced])");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      var choices = form.querySelector(".choices");
      var decide = form.querySelector("button.decide");
      if (!choices || !decide) {
        continue;
      }
      form.setAttribute("data-enhanced", "");
      if (!form.querySelector('[aria-invalid="true"]')) {
        choices.hidden = true;
        decide.hidden = false;
      }
    }
  }

  function unfold(decide) {
    var choices = document.getElementById(decide.getAttribute("aria-controls"));
    if (!choices) {
      return;
    }
    var open = choices.hidden;
    choices.hidden = !open;
    decide.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      choices.querySelector("button").focus();
    }
  }

  function fail(form, message, field) {
    var error = form.querySelector(".error");
    if (error) {
      error.textContent = message;
      error.hidden = false;
    }
    var input = field ? form.querySelector('[name="' + field + '"]') : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function send(form, submitter) {
    var data = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      data.set(submitter.name, submitter.value);
    }
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true;
    }
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok, answer: answer };
      });
    }).then(function (result) {
      for (var k = 0; k < buttons.length; k++) {
        buttons[k].disabled = false;
      }
      if (!result.ok) {
        fail(form, result.answer.error || "", result.answer.field);
        return;
      }
      if (said) {
        said.textContent = result.answer.message;
      }
      refreshRows();
    }).catch(function () {
      for (var k = 0; k < buttons.length; k++) {
        buttons[k].disabled = false;
      }
      form.setAttribute("data-plain", "");  /* the plain form still works */
      if (submitter) {
        submitter.click();
      }
    });
  }

  document.addEventListener("click", function (event) {
    var decide = event.target.closest && event.target.closest("button.decide");
    if (decide) {
      unfold(decide);
    }
  });
  document.addEventListener("keydown", function (event) {
    var choices = event.key === "Escape" && event.target.closest &&
      event.target.closest(".choices:not([hidden])");
    if (choices) {
      var decide = choices.parentNode.querySelector("button.decide");
      if (decide && !decide.hidden) {
        unfold(decide);
        decide.focus();
      }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-fetch") && !form.hasAttribute("data-plain")) {
      event.preventDefault();
      send(form, event.submitter);
    }
  });
  document.addEventListener("concord:event", function (event) {
    var kind = event.detail.kind || "";
    if (kind.indexOf("hit.") === 0) {
      refreshStatuses(event.detail.hit_id);
      soon();
    }
  });
  document.addEventListener("concord:live", function (event) {
    if (event.detail.state === "open") {  /* (re)connected: catch up on what was missed */
      refreshStatuses(null);
      soon();
    }
  });

  enhance();
  refreshStatuses(null);
  if (live) {
    window.setInterval(soon, 60000);  /* deadlines pass without an event too */
  }
})();

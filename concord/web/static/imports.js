// Bulk import pages: refuse a file over the limit before it is sent, and follow a
// running import (counts, state, the reject file's link) until it ends.
(function () {
  "use strict";

  var file = document.querySelector("input[type=file][data-max-bytes]");
  if (file) {
    var limit = Number(file.getAttribute("data-max-bytes"));
    var problem = document.getElementById("file-error");
    file.addEventListener("change", function () {
      var big = file.files && file.files[0] && file.files[0].size > limit;
      file.setCustomValidity(big ? file.getAttribute("data-too-large") : "");
      file.setAttribute("aria-invalid", big ? "true" : "false");
      if (problem) {
        problem.textContent = big ? file.getAttribute("data-too-large") : "";
        problem.hidden = !big;
      }
    });
    file.form.addEventListener("submit", function (event) {
      if (!file.checkValidity()) {
        event.preventDefault();
        file.focus();
      }
    });
  }

  var box = document.querySelector("[data-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-progress-url");

  function field(name) {
    return box.querySelector('[data-field="' + name + '"]');
  }

  function show(p) {
    ["read", "accepted", "written", "unchanged", "rejected"].forEach(function (name) {
      var cell = box.querySelector('[data-count="' + name + '"]');
      if (cell) {
        cell.textContent = String(p[name]);
      }
    });
    field("state_text").textContent = p.state_text;
    var bar = field("bar");
    bar.max = Math.max(p.size, 1);
    bar.value = p.done_bytes;
    var message = field("message");
    message.textContent = p.message + (p.field ? " (" + p.field + ")" : "");
    message.hidden = !p.message;
    field("rejects").hidden = !p.rejects_url;
  }

  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error(String(answer.status));
        }
        return answer.json();
      })
      .then(function (p) {
        show(p);
        if (p.state === "queued" || p.state === "running") {
          window.setTimeout(tick, 500);
        } else {
          document.body.setAttribute("data-import-ended", p.state);
        }
      })
      .catch(function (error) {
        if (error.message !== "404" && error.message !== "401") {
          window.setTimeout(tick, 2000);
        }
      });
  }

  tick();
})();

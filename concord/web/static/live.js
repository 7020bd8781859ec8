/* Concord live updates: one EventSource on /web/events for the page (the session's own
   event stream; the browser resumes it with Last-Event-ID after a cut).

   Each event is re-dispatched on `document` as a CustomEvent named "concord:" + its
   kind ("concord:hit.answered"...) and as "concord:event", the event's data in
   `detail`. The stream's state is told as "concord:live" with detail.state "open",
   "retrying" or "ended" (the session closed: the server refuses the stream), and is
   written into any element with `data-live-state`, from its data-live-<state> text.
   Other pages reuse it by loading this file and listening on `document`. */
(function () {
  "use strict";
  if (window.concordLive || !("EventSource" in window)) {
    return;
  }
  var source = new EventSource("/web/events");
  window.concordLive = source;

  function tell(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function show(state) {
    var shown = document.querySelectorAll("[data-live-state]");
    for (var i = 0; i < shown.length; i++) {
      var text = shown[i].getAttribute("data-live-" + state);
      if (text) {
        shown[i].textContent = text;
      }
      shown[i].setAttribute("data-state", state);
    }
    tell("concord:live", { state: state });
  }

  source.addEventListener("open", function () {
    show("open");
  });
  source.addEventListener("error", function () {
    show(source.readyState === EventSource.CLOSED ? "ended" : "retrying");
  });
  source.addEventListener("message", function (message) {
    var event;
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (!event || typeof event.kind !== "string") {
      return;
    }
    tell("concord:" + event.kind, event);
    tell("concord:event", event);
  });
})();

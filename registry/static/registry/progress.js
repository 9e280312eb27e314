// Progress of long work, polled from the server as JSON {done, total, label, finished}.
// A static file, not an inline script: pages are served under a Content-Security-Policy
// without 'unsafe-inline'. Pages work without it (a form posts and waits; a page of
// background work refreshes itself inside <noscript>).
//
// <div data-progress-url="..." [data-progress-form="form id"] [data-progress-reload]
//      [data-progress-every="ms"] hidden> <progress></progress> <p data-progress-text> </div>
//
// With data-progress-form, polling starts when that form is submitted (the request is
// the work); without it, at once. data-progress-reload reloads the page when the JSON
// says the work is finished, so that the server shows the outcome.
(function () {
  "use strict";

  function watch(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var every = parseInt(box.getAttribute("data-progress-every") || "1000", 10);
    var finished = false;

    function later() {
      if (!finished) {
        window.setTimeout(ask, every);
      }
    }

    function show(state) {
      if (state.total > 0) {
        bar.max = state.total;
        bar.value = Math.min(state.done, state.total);
        bar.textContent = Math.round((100 * bar.value) / bar.max) + " %";
      }
      if (state.label && text) {
        text.textContent = state.label;
      }
      if (state.finished) {
        finished = true;
        if (box.hasAttribute("data-progress-reload")) {
          window.location.reload();
        }
      }
    }

    function ask() {
      var request = new XMLHttpRequest();
      request.open("GET", url);
      request.setRequestHeader("Accept", "application/json");
      request.onload = function () {
        if (request.status === 200) {
          try {
            show(JSON.parse(request.responseText));
          } catch (ignored) {
            // A half-written answer: ask again.
          }
        }
        later();
      };
      request.onerror = later;
      request.send();
    }

    box.hidden = false;
    ask();
  }

  var boxes = document.querySelectorAll("[data-progress-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var formId = box.getAttribute("data-progress-form");
    var form = formId ? document.getElementById(formId) : null;
    if (!form) {
      watch(box);
      return;
    }
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true; // one capture at a time: a second click would wait in line
      }
      watch(box);
    });
  });
})();

/* Voice import batch page: while the batch is being checked or written, ask for its status
   every two seconds and reload the page once it changes (one reload, not a refresh loop that
   disturbs screen readers). Without JavaScript a <noscript> refresh does the same. */
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url"), status = box.getAttribute("data-status");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.status !== status) { window.location.reload(); }
        else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();

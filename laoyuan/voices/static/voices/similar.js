/* 提交意见: while a resident types, show the topics of her compound that say the same thing
   (so she can add her voice to one), count what she has written, and let her send photos and
   submit in one step. Without this script the page still works: "下一步" shows the similar
   topics and the photo box on the server's page.

   Everything that comes from the server is put in with textContent, never as HTML. */
(function () {
  "use strict";

  var form = document.getElementById("voice-form");
  if (!form || !window.fetch) {
    return;
  }
  var textBox = form.querySelector("textarea[name=text]");
  var compoundBox = form.querySelector("[name=compound]");
  var section = document.getElementById("similar-topics");
  var list = document.getElementById("similar-list");
  var template = document.getElementById("similar-item-template");
  var counter = document.getElementById("text-count");
  var countText = document.getElementById("count-text");
  var similarCountText = document.getElementById("similar-count-text");
  var mainButton = document.getElementById("main-submit");
  var url = form.getAttribute("data-similar-url");
  var minChars = parseInt(form.getAttribute("data-min-chars"), 10) || 4;
  var DELAY = 300;
  var timer = null;
  var controller = null;
  var asked = 0; // a later request wins, whatever order the answers arrive in

  // With the script the whole form is one step: photos now, submit at once.
  Array.prototype.forEach.call(form.querySelectorAll("[data-js-only]"), function (el) {
    el.hidden = false;
  });
  if (mainButton && mainButton.value === "check") {
    mainButton.value = "new";
    mainButton.textContent = mainButton.getAttribute("data-js-label");
    Array.prototype.forEach.call(form.querySelectorAll("[data-main-step]"), function (el) {
      el.value = "new";
    });
  }

  function chars(value) {
    // Characters as the server counts them (code points; a line break is one).
    return Array.from(value.replace(/\r\n/g, "\n").trim()).length;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function updateCount() {
    if (!counter || !countText) {
      return;
    }
    var limit = parseInt(counter.getAttribute("data-limit"), 10) || 5000;
    var n = chars(textBox.value);
    var over = n - limit;
    counter.classList.toggle("over", over > 0);
    counter.textContent = over > 0
      ? fill(countText.getAttribute("data-over"), { n: n, over: over, limit: limit })
      : fill(countText.getAttribute("data-text"), { n: n, limit: limit });
  }

  function stateClass(state) {
    return /^[a-z_]+$/.test(state || "") ? "state-" + state : "";
  }

  function show(topics) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    topics.forEach(function (topic) {
      var item = template.content.firstElementChild.cloneNode(true);
      item.querySelector(".similar-title").textContent = topic.title;
      var badge = item.querySelector(".state-badge");
      badge.textContent = topic.state_label;
      if (stateClass(topic.state)) {
        badge.classList.add(stateClass(topic.state));
      }
      item.querySelector(".similar-count").textContent = fill(
        similarCountText.getAttribute("data-text"), { n: topic.voice_count }
      );
      var button = item.querySelector("button[name=join]");
      button.value = String(topic.id);
      var link = item.querySelector(".similar-link");
      if (typeof topic.url === "string" && topic.url.charAt(0) === "/") {
        link.href = topic.url;
      } else {
        link.parentNode.removeChild(link);
      }
      list.appendChild(item);
    });
    section.hidden = topics.length === 0;
  }

  function lookUp() {
    var text = textBox.value.trim();
    if (chars(text) < minChars || !compoundBox || !compoundBox.value) {
      asked += 1;
      show([]);
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var mine = ++asked;
    var query = "?compound=" + encodeURIComponent(compoundBox.value) +
      "&text=" + encodeURIComponent(text.slice(0, 1000));
    fetch(url + query, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        return response.ok ? response.json() : { topics: [] };
      })
      .then(function (data) {
        if (mine === asked) {
          show(Array.isArray(data.topics) ? data.topics : []);
        }
      })
      .catch(function () {
        /* A lost connection only means no suggestions; she can still submit. */
      });
  }

  function schedule() {
    updateCount();
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, DELAY);
  }

  textBox.addEventListener("input", schedule);
  if (compoundBox && compoundBox.tagName === "SELECT") {
    compoundBox.addEventListener("change", schedule);
  }
  updateCount();
  if (chars(textBox.value) >= minChars && section.hidden) {
    lookUp();
  }
})();

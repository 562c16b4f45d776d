// Rapport's player, made better with JavaScript (it works without it):
// - focus moves to the newest thing said, so a screen reader reads the customer's reply;
// - number keys pick an answer, a shortcut that can be turned off (WCAG 2.1.4), and is
//   off while typing in a field;
// - a form is not sent twice by a double click.
(function () {
  "use strict";
  var KEY = "rapport.shortcuts";

  function shortcutsOn() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }

  function setShortcuts(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var now = document.getElementById("now");
    if (now) {
      now.focus({ preventScroll: true });
      now.scrollIntoView({ block: "center" });
    }

    var choices = document.querySelector("form.choices");
    if (choices) {
      var hint = document.getElementById("shortcut-hint");
      var label = document.createElement("label");
      label.className = "shortcut-toggle";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "shortcuts";
      box.checked = shortcutsOn();
      box.addEventListener("change", function () { setShortcuts(box.checked); });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" Number keys pick an answer"));
      if (hint && hint.parentNode) {
        hint.parentNode.insertBefore(label, hint);
      }

      document.addEventListener("keydown", function (event) {
        if (!box.checked || event.ctrlKey || event.metaKey || event.altKey) { return; }
        var target = event.target;
        if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) {
          return;
        }
        if (!/^[1-9]$/.test(event.key)) { return; }
        var button = choices.querySelector('button[data-key="' + event.key + '"]');
        if (button) {
          event.preventDefault();
          button.click();
        }
      });
    }

    var forms = document.querySelectorAll("form[method=post]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        if (form.dataset.sent) {
          return;
        }
        form.dataset.sent = "1";
        window.setTimeout(function () {
          Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
            b.disabled = true;
          });
        }, 0);
      });
    });
  });
})();

/* A table wider than the screen scrolls inside its .table-wrap box. While it
   does, the box is a named region that takes keyboard focus, so the arrow keys
   can scroll it (WCAG 2.1.1); when everything fits it is no extra tab stop. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-wrap");

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("data-scroll-region")) {
      var caption = box.querySelector("caption");
      var name = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
      box.setAttribute("data-scroll-region", "");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (name ? name + ". " : "") + "Таблица прокручивается по горизонтали");
    } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
      ["data-scroll-region", "tabindex", "role", "aria-label"].forEach(function (attribute) {
        box.removeAttribute(attribute);
      });
    }
  }

  Array.prototype.forEach.call(boxes, update);
  if ("ResizeObserver" in window) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { update(entry.target); });
    });
    Array.prototype.forEach.call(boxes, function (box) {
      observer.observe(box);
      var table = box.querySelector("table");
      if (table) observer.observe(table);
    });
  }
})();

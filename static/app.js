// Small enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Print buttons only make sense with script, so they start hidden.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // Compare: keep the selection between 2 and 4 by disabling further boxes at 4.
  const form = document.querySelector(".compare-form");
  if (form) {
    const boxes = [...form.querySelectorAll('input[name="f"]')];
    const update = () => {
      const chosen = boxes.filter((b) => b.checked).length;
      for (const box of boxes) box.disabled = !box.checked && chosen >= 4;
    };
    boxes.forEach((b) => b.addEventListener("change", update));
    update();
  }
});

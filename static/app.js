// Small enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Print buttons only make sense with script, so they start hidden.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // Compare: keep the selection between 2 and 4 by disabling further boxes at 4.
  const compare = document.querySelector(".compare-form");
  if (compare) {
    const boxes = [...compare.querySelectorAll('input[name="f"]')];
    const update = () => {
      const chosen = boxes.filter((b) => b.checked).length;
      for (const box of boxes) box.disabled = !box.checked && chosen >= 4;
    };
    boxes.forEach((b) => b.addEventListener("change", update));
    update();
  }

  // Query form: filter the long list of requirements as you type.
  const requirements = document.querySelector(".query-form .requirements");
  if (requirements) {
    const field = document.createElement("div");
    field.className = "field live-filter";
    field.innerHTML =
      '<label for="requirement-filter">Find a requirement</label>' +
      '<input id="requirement-filter" type="search" autocomplete="off" placeholder="e.g. offline, GraphQL">' +
      '<p class="hint" id="requirement-filter-status" aria-live="polite"></p>';
    requirements.querySelector(".hint").after(field);
    const input = field.querySelector("input");
    const status = field.querySelector("#requirement-filter-status");
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase();
      let shown = 0;
      for (const table of requirements.querySelectorAll(".choice-table")) {
        let visible = 0;
        for (const row of table.tBodies[0].rows) {
          const match = !words || row.cells[0].textContent.toLowerCase().includes(words);
          row.hidden = !match;
          if (match) visible += 1;
        }
        table.hidden = visible === 0;
        shown += visible;
      }
      status.textContent = words ? `${shown} requirement${shown === 1 ? "" : "s"} shown` : "";
    });
  }

  // Markdown fields: a live preview rendered and sanitised by the server.
  for (const area of document.querySelectorAll("textarea[data-preview]")) {
    const form = area.form;
    const token = form.querySelector('input[name="csrf_token"]').value;
    const panel = document.createElement("section");
    panel.className = "preview prose";
    panel.id = "live-preview";
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("aria-label", "Preview of the description");
    area.after(panel);
    let timer;
    const render = async () => {
      const body = new URLSearchParams({ markdown: area.value, csrf_token: token });
      try {
        const response = await fetch(area.dataset.preview, { method: "POST", body });
        panel.innerHTML = response.ok ? await response.text() : "<p>Preview unavailable.</p>";
      } catch {
        panel.innerHTML = "<p>Preview unavailable.</p>";
      }
    };
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, 300);
    });
    render();
  }

  // Feedback while a form is being sent: the pressed button says so and cannot be pressed twice.
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button || button.dataset.busy) return;
      button.dataset.busy = "true";
      button.setAttribute("aria-busy", "true");
      // Keep the button's value in the submission: disabling it would drop it.
      setTimeout(() => {
        button.disabled = true;
        button.textContent = "Working…";
      }, 0);
    });
  }
});

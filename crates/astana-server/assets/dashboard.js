// The dashboard's small enhancements; every page works without them.
// (A static file: the Content-Security-Policy forbids inline script.)
"use strict";
(function () {
  // A range input shows its value in the <output for=...> that names it.
  for (const out of document.querySelectorAll("output[for]")) {
    const input = document.getElementById(out.htmlFor.value || out.getAttribute("for"));
    if (input && input.type === "range") {
      input.addEventListener("input", () => { out.value = input.value; });
    }
  }
  // A running job's progress follows its Server-Sent Events; the page reloads at the end.
  const bar = document.getElementById("job-progress");
  const url = bar && bar.dataset.events;
  if (url) {
    const es = new EventSource(url);
    const show = (e) => {
      const d = JSON.parse(e.data);
      bar.value = d.progress;
      document.getElementById("job-state").textContent = d.state;
      document.getElementById("job-message").textContent = d.message;
    };
    es.addEventListener("progress", show);
    es.addEventListener("end", (e) => { show(e); es.close(); location.reload(); });
  }
})();

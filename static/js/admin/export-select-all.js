// The export page's "Select all" box calls django-import-export's handler from an onchange
// attribute, which the Content-Security-Policy blocks; bind the same handler from a file.
document.addEventListener("DOMContentLoaded", () => {
  for (const toggle of document.querySelectorAll("input.select-toggle")) {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
